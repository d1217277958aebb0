//! The `newsdesk` command line: serve (the default), migrate, seed, reindex.

mod accounts;
mod logging;
mod webhooks;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use crate::config::{ConfigError, DatabaseArgs, HttpArgs};
use crate::domain::Newsdesk;
use crate::domain::replicas::Replicas;
use crate::domain::time::SystemClock;
use crate::error::Error;
use crate::{db, seed, server};
use logging::{LogArgs, TraceArgs};

#[derive(Parser, Debug)]
#[command(
    name = "newsdesk",
    version,
    about = "A headless content API for news publishers."
)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the API (the default when no command is given).
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations, then exit.
    Migrate {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// Fill an empty database with content.
    #[command(group(clap::ArgGroup::new("content").required(true).args(["demo", "scale"])))]
    Seed {
        /// Seed the demo newsroom.
        #[arg(long)]
        demo: bool,
        /// Generate a newsroom of the size given by the options below, for benchmarks.
        #[arg(long)]
        scale: bool,
        #[arg(long, default_value_t = 10_000, requires = "scale")]
        articles: u64,
        #[arg(long, default_value_t = 50_000, requires = "scale")]
        comments: u64,
        #[arg(long, default_value_t = 12, requires = "scale")]
        sections: u64,
        #[arg(long, default_value_t = 200, requires = "scale")]
        tags: u64,
        #[arg(long, default_value_t = 40, requires = "scale")]
        authors: u64,
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// Rebuild the stored article teasers the lists read from the articles,
    /// sections, authors and tags, and the stored section paths whole
    /// articles show, then check them.
    Reindex {
        /// Only check: list the articles whose stored teaser (and the
        /// sections whose stored path) differs from a fresh rebuild, and fail
        /// if there is any.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// Print the one SQL statement a public read runs on PostgreSQL, its
    /// values written in (bench/run.sh runs it through pgbench, the floor
    /// Newsdesk is measured against).
    #[command(hide = true)]
    Sql {
        #[command(subcommand)]
        read: SqlRead,
    },
    /// Print the GraphQL schema (SDL), as checked in at schema/schema.graphql.
    Schema,
    /// Partner API tokens: create, list, revoke.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// Webhook endpoints: create (prints the signing secret once), list, delete.
    Webhook {
        #[command(subcommand)]
        command: WebhookCommand,
        /// Let endpoints sit on loopback, private and link-local addresses.
        #[arg(long, env = "NEWSDESK_WEBHOOK_ALLOW_PRIVATE_TARGETS", default_value_t = false, action = clap::ArgAction::Set)]
        allow_private_targets: bool,
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// Editor accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        log: LogArgs,
    },
}

/// The public reads `newsdesk sql` prints.
#[derive(Subcommand, Debug)]
enum SqlRead {
    /// `GET /api/v1/articles` (or a section's articles, with --section).
    List {
        #[arg(long)]
        section: Option<String>,
        #[arg(long)]
        limit: Option<String>,
        #[arg(long)]
        cursor: Option<String>,
    },
    /// `GET /api/v1/articles/{slug}`, with --comments `?include=comments`.
    Article {
        slug: String,
        #[arg(long)]
        comments: bool,
    },
}

impl SqlRead {
    fn read(self) -> Result<crate::domain::documents::PublicRead, Error> {
        use crate::domain::articles::ArticleFilter;
        use crate::domain::documents::PublicRead;
        use crate::domain::ids::Slug;
        use crate::domain::page::{CursorKind, Limit, PageRequest};
        Ok(match self {
            SqlRead::List {
                section,
                limit,
                cursor,
            } => PublicRead::List {
                filter: ArticleFilter {
                    section: section
                        .map(|s| Slug::parse_input("section", &s))
                        .transpose()?,
                    ..ArticleFilter::default()
                },
                page: PageRequest::parse(
                    CursorKind::Articles,
                    limit.as_deref(),
                    cursor.as_deref(),
                )?,
            },
            SqlRead::Article { slug, comments } => PublicRead::Article {
                slug: Slug::parse_input("slug", &slug)?,
                comments: comments
                    .then(|| PageRequest::first(Limit::of(crate::domain::page::DEFAULT_LIMIT))),
            },
        })
    }
}

#[derive(Subcommand, Debug)]
pub(crate) enum TokenCommand {
    /// Create a token and print its secret, once.
    Create {
        /// Who the token is for.
        #[arg(long)]
        name: String,
        /// Comma-separated: content:read, content:write, comments:write, comments:moderate, metrics:read, admin.
        #[arg(long)]
        scopes: String,
        /// Requests allowed per minute (`600` or `600/min`, `10/s`).
        #[arg(long, default_value = "600/min")]
        rate: String,
        /// Lifetime, like `90d`, `12h` or `30m`; without it the token does not expire.
        #[arg(long)]
        expires: Option<String>,
    },
    /// List tokens, without their secrets.
    List,
    /// Revoke a token: its next request is refused.
    Revoke {
        /// The id `token list` shows.
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum WebhookCommand {
    /// Register an endpoint and print its signing secret, once.
    Create {
        /// Where deliveries are POSTed (http or https).
        #[arg(long)]
        url: String,
        /// Comma-separated event types or families: `article.*,comment.approved`, or `*`.
        #[arg(long)]
        events: String,
        #[arg(long)]
        description: Option<String>,
    },
    /// List endpoints, without their secrets.
    List,
    /// Remove an endpoint and what is still owed to it.
    Delete {
        /// The id `webhook list` shows.
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum UserCommand {
    /// Create an editor account; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// `editor` or `admin`.
        #[arg(long, default_value = "editor")]
        role: String,
    },
}

/// Options of `newsdesk serve`.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    log: LogArgs,
    #[command(flatten)]
    traces: TraceArgs,
    /// Do not apply pending migrations at start-up.
    #[arg(long, env = "NEWSDESK_NO_MIGRATE")]
    pub no_migrate: bool,
    /// Do not seed the demo newsroom into an empty database at start-up.
    #[arg(long, env = "NEWSDESK_NO_DEMO")]
    pub no_demo: bool,
}

/// Why a command stopped.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("NEWSDESK_LOG (--log): {0}")]
    Log(String),
    #[error("cannot use the database named by NEWSDESK_DATABASE_URL (--database-url): {0}")]
    Connect(sea_orm::DbErr),
    #[error("migrating the database failed: {0}")]
    Migrate(sea_orm::DbErr),
    #[error("seeding failed: {0}")]
    Seed(#[from] seed::SeedError),
    #[error("{0}")]
    Domain(#[from] Error),
    #[error("cannot read standard input: {0}")]
    Input(String),
    #[error(transparent)]
    Serve(#[from] server::ServeError),
    #[error("{0}")]
    Stale(String),
}

/// Parses the command line, runs the command, and turns failure into one line on stderr.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version: not errors.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {}", describe_usage_error(&e));
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.to_string().replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

/// Clap's message on one line, naming the environment variable as well as the
/// flag, since most settings arrive through the environment.
fn describe_usage_error(error: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let rendered = error.to_string();
    let first = rendered
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_owned();
    match error.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) if arg.starts_with("--") => {
            let flag = arg.split_whitespace().next().unwrap_or(arg);
            let variable = format!(
                "NEWSDESK_{}",
                flag.trim_start_matches("--")
                    .to_uppercase()
                    .replace('-', "_")
            );
            format!("{variable} ({flag}): {first}")
        }
        _ => first,
    }
}

/// What `reindex --check` says of stored documents of `kind` that differ
/// from a fresh rebuild, naming the `owners` (articles, sections) by id.
fn stale(kind: &str, owners: &str, ids: impl Iterator<Item = i64>) -> StartupError {
    let ids: Vec<String> = ids.map(|id| id.to_string()).collect();
    StartupError::Stale(format!(
        "{} stored {kind} differ from a fresh rebuild ({owners} {}); run `newsdesk reindex`",
        ids.len(),
        ids.join(", ")
    ))
}

async fn dispatch(cli: Cli) -> Result<(), StartupError> {
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(*args).await,
        Some(Command::Migrate { db, log }) => {
            logging::init(&log)?;
            let conn = connect(&db).await?;
            db::migrate(&conn).await.map_err(StartupError::Migrate)
        }
        Some(Command::Reindex { check, db, log }) => {
            let desk = operator_desk(migrated(&db, &log).await?);
            if !check {
                let bar = seed::scale::progress("teasers", 0);
                let written = desk
                    .rebuild_teasers(&mut seed::scale::drawing(&bar))
                    .await?;
                bar.finish();
                println!("rebuilt the teasers of {written} articles");
                desk.rebuild_section_paths().await?;
                println!("rebuilt the section paths");
                let bar = seed::scale::progress("threads", 0);
                let written = desk
                    .rebuild_thread_pages(&mut seed::scale::drawing(&bar))
                    .await?;
                bar.finish();
                println!("rebuilt the first page of comments of {written} articles");
            }
            let paths = desk.stale_section_paths().await?;
            if !paths.is_empty() {
                return Err(stale(
                    "section paths",
                    "sections",
                    paths.iter().map(|id| id.0),
                ));
            }
            let teasers = desk.stale_teasers().await?;
            if !teasers.is_empty() {
                return Err(stale("teasers", "articles", teasers.iter().map(|id| id.0)));
            }
            let pages = desk.stale_thread_pages().await?;
            if !pages.is_empty() {
                return Err(stale(
                    "pages of comments",
                    "articles",
                    pages.iter().map(|id| id.0),
                ));
            }
            println!(
                "every stored teaser, section path and page of comments equals a fresh rebuild"
            );
            Ok(())
        }
        Some(Command::Sql { read }) => {
            let text = crate::domain::documents::postgres_statement_text(
                chrono::Utc::now(),
                &read.read()?,
            );
            println!("{text}");
            Ok(())
        }
        Some(Command::Schema) => {
            print!("{}", crate::graphql::sdl());
            Ok(())
        }
        Some(Command::Token { command, db, log }) => {
            let conn = migrated(&db, &log).await?;
            accounts::run_token(&operator_desk(conn), command).await
        }
        Some(Command::Webhook {
            command,
            allow_private_targets,
            db,
            log,
        }) => {
            let conn = migrated(&db, &log).await?;
            let mut http = crate::config::HttpConfig::default();
            http.outbound.allow_private_targets = allow_private_targets;
            webhooks::run_webhook(&operator_desk_with(conn, &http), command).await
        }
        Some(Command::User { command, db, log }) => {
            let conn = migrated(&db, &log).await?;
            accounts::run_user(&operator_desk(conn), command).await
        }
        Some(Command::Seed {
            scale,
            articles,
            comments,
            sections,
            tags,
            authors,
            db,
            log,
            ..
        }) => {
            let conn = migrated(&db, &log).await?;
            if scale {
                let size = seed::scale::Scale {
                    articles,
                    comments,
                    sections,
                    tags,
                    authors,
                };
                seed::scale::generate(&operator_desk(conn.clone()), &conn, size).await?;
                db::refresh_statistics(&conn)
                    .await
                    .map_err(seed::SeedError::Database)?;
            } else {
                seed::demo(&operator_desk(conn)).await?;
            }
            Ok(())
        }
    }
}

/// What every operator command starts with: logging, and a connection to
/// a database with every migration applied.
async fn migrated(
    db: &DatabaseArgs,
    log: &LogArgs,
) -> Result<sea_orm::DatabaseConnection, StartupError> {
    logging::init(log)?;
    let conn = connect(db).await?;
    db::migrate(&conn).await.map_err(StartupError::Migrate)?;
    Ok(conn)
}

/// The domain's handle for commands run at the server's own command line.
fn operator_desk(conn: sea_orm::DatabaseConnection) -> Newsdesk {
    operator_desk_with(conn, &crate::config::HttpConfig::default())
}

/// The same, with the settings the server runs with (where its writes owe
/// CDN purges, say).
fn operator_desk_with(
    conn: sea_orm::DatabaseConnection,
    http: &crate::config::HttpConfig,
) -> Newsdesk {
    // The operator signs nothing a client keeps; a passing secret will do.
    let secret =
        crate::config::Secret::new(crate::crypto::token::SecretToken::generate("op_").expose());
    Newsdesk::new(
        conn,
        crate::app::domain_settings(http, Arc::new(SystemClock), &secret),
    )
}

async fn serve(args: ServeArgs) -> Result<(), StartupError> {
    let _telemetry = logging::init_with_traces(&args.log, Some(&args.traces))?;
    let http = args.http.config()?;
    let replica_settings = args.db.replicas()?;
    let mut conn = connect(&args.db).await?;
    if !args.no_migrate {
        db::migrate(&conn).await.map_err(StartupError::Migrate)?;
        // Serve from fresh connections: none can hold a view of the schema from before the migrations.
        conn.close().await.map_err(StartupError::Connect)?;
        conn = connect(&args.db).await?;
    }
    let operator = operator_desk_with(conn.clone(), &http);
    if !args.no_demo && operator.is_empty().await? {
        tracing::info!("the database is empty: seeding the demo newsroom");
        seed::demo(&operator).await?;
    }
    if !args.no_demo
        && let Some(link) = seed::coverage::preview_link(&operator).await?
    {
        let url = if link.url.starts_with('/') {
            format!("http://{}{}", args.http.bind, link.url)
        } else {
            link.url
        };
        tracing::info!(
            "preview the demo draft {}: {url} (until {})",
            seed::coverage::PREVIEW_DRAFT_SLUG,
            link.expires_at.to_rfc3339()
        );
    }
    let replicas = (!replica_settings.urls.is_empty())
        .then(|| {
            db::connect_replicas(&replica_settings, args.db.db_max_connections)
                .map(|members| Replicas::new(members, replica_settings.max_lag))
        })
        .transpose()
        .map_err(StartupError::Connect)?;
    server::run(
        conn,
        replicas,
        args.http.bind,
        http,
        std::time::Duration::from_secs(args.http.views_flush_secs),
    )
    .await?;
    Ok(())
}

async fn connect(args: &DatabaseArgs) -> Result<sea_orm::DatabaseConnection, StartupError> {
    let settings = args.settings()?;
    db::connect(&settings).await.map_err(StartupError::Connect)
}
