//! Logs to stderr, as text for people or JSON lines for log shippers, and,
//! in a build with the `otel` feature, traces exported over OTLP: a span for
//! each request, the domain calls it made and each SQL statement. Every log
//! line written inside a request carries its request id (and, when traces
//! are exported, the trace id), so one can be found from the other.

use clap::Args;
use tracing_subscriber::filter::{Filtered, LevelFilter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, Registry};

use super::StartupError;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line, with the fields of the spans it happened in.
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct LogArgs {
    /// Log filter, as in `info` or `newsdesk=debug,sea_orm=warn`.
    #[arg(long, env = "NEWSDESK_LOG", default_value = "info,sqlx=warn")]
    pub log: String,
    /// `text`, or `json` for log shippers.
    #[arg(long, env = "NEWSDESK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// Where traces go: an OTLP/HTTP collector, such as
/// `http://127.0.0.1:4318/v1/traces`.
#[derive(Args, Debug, Clone)]
pub struct TraceArgs {
    /// The collector's OTLP/HTTP traces URL; needs a build with `--features otel`.
    #[arg(long, env = "NEWSDESK_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
}

/// Keeps the trace exporter running; dropping it sends what is left.
pub struct Telemetry {
    #[cfg(feature = "otel")]
    provider: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        #[cfg(feature = "otel")]
        if let Some(provider) = self.provider.take()
            && let Err(e) = provider.shutdown()
        {
            eprintln!("traces not yet sent were lost: {e}");
        }
    }
}

/// Logging for a command, without traces.
pub fn init(args: &LogArgs) -> Result<(), StartupError> {
    init_with_traces(args, None).map(std::mem::forget)
}

/// Logging, and trace export when `traces` names a collector.
pub fn init_with_traces(
    args: &LogArgs,
    traces: Option<&TraceArgs>,
) -> Result<Telemetry, StartupError> {
    let filter = tracing_subscriber::EnvFilter::try_new(&args.log)
        .map_err(|e| StartupError::Log(e.to_string()))?;
    // Logs go to stderr, so what a command prints (a token's secret, the schema) stays clean.
    let lines = match args.log_format {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_writer(std::io::stderr)
            .with_target(false)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    let endpoint = traces
        .and_then(|t| t.otlp_endpoint.as_deref())
        .map(str::trim);
    let endpoint = endpoint.filter(|e| !e.is_empty());
    #[cfg(not(feature = "otel"))]
    if endpoint.is_some() {
        return Err(StartupError::Log(
            "NEWSDESK_OTLP_ENDPOINT (--otlp-endpoint): this build has no trace export; build with `--features otel`".into(),
        ));
    }
    #[cfg(feature = "otel")]
    let (traces_layer, provider) = match endpoint {
        Some(endpoint) => {
            let (layer, provider) = otel::layer(endpoint)?;
            (Some(layer), Some(provider))
        }
        None => (None, None),
    };
    #[cfg(not(feature = "otel"))]
    let traces_layer: Option<TracesLayer> = None;
    tracing_subscriber::registry()
        .with(traced(traces_layer))
        .with(lines.with_filter(filter))
        .try_init()
        .map_err(|e| StartupError::Log(e.to_string()))?;
    Ok(Telemetry {
        #[cfg(feature = "otel")]
        provider,
    })
}

type TracesLayer = Box<dyn Layer<Registry> + Send + Sync>;

/// The traces layer, when there is one, sees every span at `info` whatever
/// the log filter keeps. Without one nothing is added: a filter standing
/// alone would still ask for every `info` span, and a quiet log would pay
/// for spans on every request that no one reads.
fn traced(traces: Option<TracesLayer>) -> Option<Filtered<TracesLayer, LevelFilter, Registry>> {
    traces.map(|layer| layer.with_filter(LevelFilter::INFO))
}

#[cfg(feature = "otel")]
mod otel {
    use opentelemetry::trace::TracerProvider;
    use opentelemetry_otlp::{Protocol, WithExportConfig};
    use opentelemetry_sdk::trace::SdkTracerProvider;
    use tracing_subscriber::Layer;

    use super::{StartupError, TracesLayer};

    /// A layer turning spans into OTLP traces sent in batches to `endpoint`.
    pub fn layer(endpoint: &str) -> Result<(TracesLayer, SdkTracerProvider), StartupError> {
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(StartupError::Log(
                "NEWSDESK_OTLP_ENDPOINT (--otlp-endpoint): must be an http(s) URL".into(),
            ));
        }
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(endpoint)
            .build()
            .map_err(|e| {
                StartupError::Log(format!("NEWSDESK_OTLP_ENDPOINT (--otlp-endpoint): {e}"))
            })?;
        let resource = opentelemetry_sdk::Resource::builder()
            .with_service_name("newsdesk")
            .build();
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(resource)
            .build();
        let tracer = provider.tracer("newsdesk");
        Ok((
            tracing_opentelemetry::layer().with_tracer(tracer).boxed(),
            provider,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Subscriber;

    #[test]
    fn without_trace_export_a_quiet_log_asks_for_no_info_spans() {
        let quiet = tracing_subscriber::registry().with(traced(None)).with(
            tracing_subscriber::fmt::layer()
                .with_filter(tracing_subscriber::EnvFilter::new("warn")),
        );
        assert_eq!(quiet.max_level_hint(), Some(LevelFilter::WARN));
    }
}
