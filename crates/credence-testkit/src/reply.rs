//! An HTTP answer, read whole.

use axum::http::{header, HeaderMap, StatusCode};
use serde_json::Value;

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{}: body is not JSON ({e}): {}", self.status, self.text()))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The media type.
    pub fn content_type(&self) -> &str {
        self.header(header::CONTENT_TYPE.as_str()).unwrap_or("")
    }

    /// Asserts the status, showing the body if it differs.
    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        self
    }

    /// Asserts the status, and returns the JSON body.
    #[track_caller]
    pub fn expect(&self, status: StatusCode) -> Value {
        self.assert_status(status.as_u16()).json()
    }

    /// Asserts the status and a problem+json body, and returns the problem.
    #[track_caller]
    pub fn problem(&self, status: StatusCode) -> Value {
        self.assert_status(status.as_u16());
        assert_eq!(
            self.content_type(),
            "application/problem+json",
            "{}",
            self.text()
        );
        let p = self.json();
        assert_eq!(p["status"], status.as_u16(), "{p}");
        p
    }

    /// Asserts a problem+json answer of this status and `type`; returns the problem.
    #[track_caller]
    pub fn expect_problem(&self, status: u16, kind: &str) -> Value {
        let status = StatusCode::from_u16(status).unwrap();
        let problem = self.problem(status);
        assert_eq!(problem["type"], kind, "problem: {problem}");
        problem
    }
}
