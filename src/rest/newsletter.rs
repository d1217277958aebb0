//! `/api/v1/newsletter`: the Subscribe box. Sign-up answers 202 whatever the
//! address; the mailed link confirms; every mail's link unsubscribes in one
//! click. Admins export confirmed subscribers as CSV.

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};

use super::RestState;
use super::envelopes::DataResponse;
use super::extract::{AppJson, AppQuery, Caller};
use crate::auth::{ClientIp, client_key};
use crate::error::{Error, Result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignUpBody {
    email: Option<String>,
    lists: Option<Vec<String>>,
}

#[derive(Serialize)]
pub struct StatusJson {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    lists: Option<Vec<String>>,
}

/// `POST /api/v1/newsletter/subscriptions`
pub async fn sign_up(
    State(state): State<RestState>,
    Caller(actor): Caller,
    Extension(ip): Extension<ClientIp>,
    AppJson(body): AppJson<SignUpBody>,
) -> Result<(StatusCode, Json<DataResponse<StatusJson>>)> {
    let email = body
        .email
        .ok_or_else(|| Error::invalid("email", "is required"))?;
    let lists = body.lists.unwrap_or_default();
    state
        .desk
        .sign_up(&client_key(&actor, ip), &email, &lists)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(DataResponse {
            data: StatusJson {
                status: "confirmation_requested",
                lists: None,
            },
        }),
    ))
}

#[derive(Deserialize)]
pub struct TokenParams {
    token: Option<String>,
}

fn token(params: TokenParams) -> Result<String> {
    params
        .token
        .ok_or_else(|| Error::invalid("token", "is required: the one in the link"))
}

/// `GET /api/v1/newsletter/confirm?token=…`: the link in the mail.
pub async fn confirm(
    State(state): State<RestState>,
    AppQuery(params): AppQuery<TokenParams>,
) -> Result<Json<DataResponse<StatusJson>>> {
    let confirmed = state.desk.confirm_subscription(&token(params)?).await?;
    Ok(Json(DataResponse {
        data: StatusJson {
            status: "confirmed",
            lists: Some(confirmed.lists),
        },
    }))
}

/// `POST /api/v1/newsletter/unsubscribe?token=…` (RFC 8058 one-click; the
/// body is ignored) and the same by GET, from the link in the mail.
pub async fn unsubscribe(
    State(state): State<RestState>,
    AppQuery(params): AppQuery<TokenParams>,
) -> Result<Json<DataResponse<StatusJson>>> {
    state.desk.unsubscribe(&token(params)?).await?;
    Ok(Json(DataResponse {
        data: StatusJson {
            status: "unsubscribed",
            lists: None,
        },
    }))
}

#[derive(Deserialize)]
pub struct ExportParams {
    list: Option<String>,
}

/// `GET /api/v1/manage/newsletter/subscribers`: confirmed subscribers as CSV.
pub async fn export_subscribers(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppQuery(params): AppQuery<ExportParams>,
) -> Result<impl IntoResponse> {
    let found = state
        .desk
        .subscribers(&actor, params.list.as_deref())
        .await?;
    let mut csv = String::from("email,confirmed_at,lists\r\n");
    for s in found {
        csv.push_str(&csv_field(&s.email));
        csv.push(',');
        csv.push_str(&s.confirmed_at.map(|at| at.to_rfc3339()).unwrap_or_default());
        csv.push(',');
        csv.push_str(&csv_field(&s.lists.join(" ")));
        csv.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"subscribers.csv\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        csv,
    ))
}

/// A CSV field (RFC 4180), quoted when it must be, and never read as a
/// formula by a spreadsheet.
fn csv_field(raw: &str) -> String {
    let guarded = if raw.starts_with(['=', '+', '-', '@']) {
        format!("'{raw}")
    } else {
        raw.to_owned()
    };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("a@b.example"), "a@b.example");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()@x.example"), "'=cmd()@x.example");
    }
}
