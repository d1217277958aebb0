//! Who is asking: an anonymous reader, a partner with a scoped token, or an
//! editor. Every permission decision is made here, for both faces.

use std::fmt;

use super::ids::{TokenId, UserId};
use crate::error::{Error, Result};

/// What an API token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    ContentRead,
    ContentWrite,
    CommentsWrite,
    CommentsModerate,
    /// Reading `/metrics`: what a Prometheus server's token holds.
    MetricsRead,
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 6] = [
        Scope::ContentRead,
        Scope::ContentWrite,
        Scope::CommentsWrite,
        Scope::CommentsModerate,
        Scope::MetricsRead,
        Scope::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ContentRead => "content:read",
            Scope::ContentWrite => "content:write",
            Scope::CommentsWrite => "comments:write",
            Scope::CommentsModerate => "comments:moderate",
            Scope::MetricsRead => "metrics:read",
            Scope::Admin => "admin",
        }
    }

    /// Parses `content:read,comments:write`; an unknown scope is an error naming it.
    pub fn parse_list(raw: &str) -> Result<Vec<Scope>> {
        let mut scopes = Vec::new();
        for name in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let scope = Scope::ALL
                .into_iter()
                .find(|s| s.as_str() == name)
                .ok_or_else(|| Error::invalid("scopes", format!("unknown scope {name:?}")))?;
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            return Err(Error::invalid("scopes", "name at least one scope"));
        }
        Ok(scopes)
    }

    pub fn join(scopes: &[Scope]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// An editor account's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Writes and moderates.
    Editor,
    /// Everything an editor does, and reads the audit log.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Result<Role> {
        match raw {
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            _ => Err(Error::invalid("role", "must be editor or admin")),
        }
    }
}

/// The caller of one request, decided once by authentication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    Partner {
        token_id: TokenId,
        name: String,
        scopes: Vec<Scope>,
    },
    Editor {
        user_id: UserId,
        email: String,
        role: Role,
    },
    /// Someone at the server's own command line, who can already reach the
    /// database: holds every scope, and is named in the audit log.
    Operator,
}

impl Actor {
    /// Whether the actor holds the scope. Editors hold every scope but `admin`;
    /// admins and `admin` tokens hold all of them.
    pub fn has(&self, scope: Scope) -> bool {
        match self {
            Actor::Anonymous => false,
            Actor::Partner { scopes, .. } => {
                scopes.contains(&scope) || scopes.contains(&Scope::Admin)
            }
            Actor::Editor {
                role: Role::Admin, ..
            } => true,
            Actor::Editor {
                role: Role::Editor, ..
            } => scope != Scope::Admin,
            Actor::Operator => true,
        }
    }

    /// Allows the action only with the scope: anonymous callers are told to
    /// authenticate, known ones that they may not.
    pub fn require(&self, scope: Scope) -> Result<()> {
        match self {
            _ if self.has(scope) => Ok(()),
            Actor::Anonymous => Err(Error::Unauthenticated("this needs credentials")),
            _ => Err(Error::Forbidden(scope.as_str())),
        }
    }

    pub fn is_anonymous(&self) -> bool {
        matches!(self, Actor::Anonymous)
    }
}

impl fmt::Display for Actor {
    /// How the audit log names the actor.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Anonymous => f.write_str("anonymous"),
            Actor::Partner { token_id, name, .. } => write!(f, "token:{token_id} {name}"),
            Actor::Editor { user_id, email, .. } => write!(f, "user:{user_id} {email}"),
            Actor::Operator => f.write_str("operator"),
        }
    }
}

/// Whether anonymous callers may read published content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadPolicy {
    pub public_reads: bool,
}

impl ReadPolicy {
    /// Reads are open to all, or need `content:read` when public reads are off.
    pub fn check(self, actor: &Actor) -> Result<()> {
        if self.public_reads {
            Ok(())
        } else {
            actor.require(Scope::ContentRead)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partner(scopes: &[Scope]) -> Actor {
        Actor::Partner {
            token_id: TokenId(1),
            name: "acme".into(),
            scopes: scopes.to_vec(),
        }
    }

    #[test]
    fn a_partner_holds_only_its_scopes() {
        let p = partner(&[Scope::CommentsWrite]);
        assert!(p.require(Scope::CommentsWrite).is_ok());
        assert!(matches!(
            p.require(Scope::ContentWrite),
            Err(Error::Forbidden(_))
        ));
    }

    #[test]
    fn anonymous_callers_are_asked_to_authenticate() {
        assert!(matches!(
            Actor::Anonymous.require(Scope::ContentWrite),
            Err(Error::Unauthenticated(_))
        ));
    }

    #[test]
    fn editors_hold_everything_but_admin() {
        let editor = Actor::Editor {
            user_id: UserId(1),
            email: "e@x".into(),
            role: Role::Editor,
        };
        assert!(editor.has(Scope::ContentWrite) && editor.has(Scope::CommentsModerate));
        assert!(!editor.has(Scope::Admin));
    }

    #[test]
    fn scope_lists_parse_and_reject_unknown_names() {
        assert_eq!(
            Scope::parse_list("content:read, comments:write").unwrap(),
            [Scope::ContentRead, Scope::CommentsWrite]
        );
        assert!(Scope::parse_list("content:read,root").is_err());
        assert!(Scope::parse_list("").is_err());
    }

    #[test]
    fn reads_need_content_read_only_when_public_reads_are_off() {
        let closed = ReadPolicy {
            public_reads: false,
        };
        assert!(
            ReadPolicy { public_reads: true }
                .check(&Actor::Anonymous)
                .is_ok()
        );
        assert!(closed.check(&Actor::Anonymous).is_err());
        assert!(closed.check(&partner(&[Scope::ContentRead])).is_ok());
        assert!(closed.check(&partner(&[Scope::CommentsWrite])).is_err());
    }
}
