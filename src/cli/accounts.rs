//! The account commands: partner tokens and editor accounts, made, listed
//! and revoked by the operator through the same domain commands (checked and
//! audited) that any admin would use.

use super::{StartupError, TokenCommand, UserCommand};
use crate::domain::Newsdesk;
use crate::domain::accounts;
use crate::domain::actor::{Actor, Role, Scope};
use crate::domain::ids::TokenId;
use crate::error::Error;

/// `newsdesk token …`: partner API tokens.
pub(super) async fn run_token(desk: &Newsdesk, command: TokenCommand) -> Result<(), StartupError> {
    match command {
        TokenCommand::Create {
            name,
            scopes,
            rate,
            expires,
        } => {
            let new = accounts::NewToken {
                name,
                scopes: Scope::parse_list(&scopes)?,
                rate_per_minute: parse_rate(&rate)?,
                expires_at: expires
                    .as_deref()
                    .map(parse_lifetime)
                    .transpose()?
                    .map(|d| crate::domain::time::now() + d),
            };
            let (id, secret) = accounts::create_token(desk, &Actor::Operator, new).await?;
            println!("token {id} created. Its secret is shown this once; store it now:");
            println!("{}", secret.expose());
        }
        TokenCommand::List => {
            println!(
                "{:<5} {:<20} {:<40} {:>9} {:>9} {:<25} {:<25}",
                "id", "name", "scopes", "rate/min", "requests", "last used", "state"
            );
            for t in accounts::list_tokens(desk, &Actor::Operator).await? {
                let state = match (t.revoked_at, t.expires_at) {
                    (Some(at), _) => format!("revoked {}", at.to_rfc3339()),
                    (None, Some(at)) if at <= crate::domain::time::now() => {
                        format!("expired {}", at.to_rfc3339())
                    }
                    (None, Some(at)) => format!("expires {}", at.to_rfc3339()),
                    (None, None) => "active".to_owned(),
                };
                let last = t
                    .last_used_at
                    .map_or_else(|| "never".to_owned(), |at| at.to_rfc3339());
                println!(
                    "{:<5} {:<20} {:<40} {:>9} {:>9} {:<25} {:<25}",
                    t.id, t.name, t.scopes, t.rate_per_minute, t.request_count, last, state
                );
            }
        }
        TokenCommand::Revoke { id } => {
            accounts::revoke_token(desk, &Actor::Operator, TokenId(id)).await?;
            println!("token {id} revoked");
        }
    }
    Ok(())
}

/// `newsdesk user …`: editor accounts.
pub(super) async fn run_user(desk: &Newsdesk, command: UserCommand) -> Result<(), StartupError> {
    match command {
        UserCommand::Create { email, name, role } => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .map_err(|e| StartupError::Input(e.to_string()))?;
            let user = accounts::create_user(
                desk,
                &Actor::Operator,
                accounts::NewUser {
                    email,
                    name,
                    role: Role::parse(&role)?,
                    password: password.trim_end_matches(['\r', '\n']).to_owned(),
                },
            )
            .await?;
            println!(
                "user {} <{}> created as {}",
                user.id,
                user.email,
                user.role.as_str()
            );
        }
    }
    Ok(())
}

/// `600`, `600/min`, `10/s` or `36000/h`, as requests per minute.
fn parse_rate(raw: &str) -> Result<u32, Error> {
    let invalid = || Error::invalid("rate", "write it like 600/min, 10/s or 36000/h");
    let (count, unit) = raw.split_once('/').unwrap_or((raw, "min"));
    let count: u32 = count.trim().parse().map_err(|_| invalid())?;
    let per_minute = match unit.trim() {
        "min" | "m" => Some(count),
        "s" | "sec" => count.checked_mul(60),
        "h" | "hour" => Some(count / 60),
        _ => None,
    };
    per_minute.filter(|n| *n >= 1).ok_or_else(invalid)
}

/// `90d`, `12h` or `30m`.
fn parse_lifetime(raw: &str) -> Result<chrono::TimeDelta, Error> {
    let invalid = || Error::invalid("expires", "write it like 90d, 12h or 30m");
    let raw = raw.trim();
    let split = raw.len().checked_sub(1).ok_or_else(invalid)?;
    let (count, unit) = raw.split_at(split);
    let count: i64 = count
        .parse()
        .ok()
        .filter(|n| *n > 0 && *n <= 100_000)
        .ok_or_else(invalid)?;
    match unit {
        "d" => Ok(chrono::TimeDelta::days(count)),
        "h" => Ok(chrono::TimeDelta::hours(count)),
        "m" => Ok(chrono::TimeDelta::minutes(count)),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_per_minute_second_or_hour() {
        assert_eq!(parse_rate("600").unwrap(), 600);
        assert_eq!(parse_rate("600/min").unwrap(), 600);
        assert_eq!(parse_rate("10/s").unwrap(), 600);
        assert_eq!(parse_rate("3600/h").unwrap(), 60);
        for bad in ["", "x/min", "10/day", "0/min", "30/h"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lifetimes_read_days_hours_or_minutes() {
        assert_eq!(parse_lifetime("90d").unwrap(), chrono::TimeDelta::days(90));
        assert_eq!(parse_lifetime("12h").unwrap(), chrono::TimeDelta::hours(12));
        for bad in ["", "d", "0d", "-1d", "5w", "1.5d"] {
            assert!(parse_lifetime(bad).is_err(), "{bad}");
        }
    }
}
