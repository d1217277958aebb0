//! The HTTP pieces both faces share: the request context (id, span, limits),
//! RFC 9457 problem rendering, and HTTP caching with the in-process response
//! cache. They sit between the faces and authentication.

pub mod assets;
pub mod cache;
pub mod metrics;
pub mod problem;
pub mod request;
