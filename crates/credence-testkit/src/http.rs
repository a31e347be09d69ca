//! One HTTP/1.1 keep-alive connection to a real server.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::http::{header, Method, Request};
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;
use serde_json::Value;

use crate::{Reply, ADMIN_TOKEN};
use credence_core::model::RawCompletion;

/// One HTTP/1.1 keep-alive connection.
pub struct HttpClient {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    host: String,
}

impl HttpClient {
    /// Connects to `addr`.
    pub async fn connect(addr: SocketAddr) -> std::io::Result<HttpClient> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(std::io::Error::other)?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(HttpClient {
            sender,
            host: addr.to_string(),
        })
    }

    /// Sends one request; an error means the connection failed (e.g. the server died).
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Reply, hyper::Error> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, &self.host);
        if let Some(t) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(c) = content_type {
            request = request.header(header::CONTENT_TYPE, c);
        }
        self.sender.ready().await?;
        let response = self
            .sender
            .send_request(request.body(Full::new(Bytes::from(body))).unwrap())
            .await?;
        let (parts, body) = response.into_parts();
        Ok(Reply {
            status: parts.status,
            headers: parts.headers,
            body: body.collect().await?.to_bytes().to_vec(),
        })
    }

    /// `POST` a JSON body.
    pub async fn post_json(
        &mut self,
        path: &str,
        token: &str,
        body: &impl serde::Serialize,
    ) -> Result<Reply, hyper::Error> {
        let bytes = serde_json::to_vec(body).unwrap();
        self.send(
            Method::POST,
            path,
            Some(token),
            Some("application/json"),
            bytes,
        )
        .await
    }

    /// Submits one completion as the administrator and returns its badge's signed credential.
    pub async fn issue(&mut self, completion: &RawCompletion) -> Value {
        let issued = self
            .post_json("/api/v1/completions", ADMIN_TOKEN, completion)
            .await
            .unwrap();
        issued.assert_status(201);
        let id = issued.json()["badge_id"]
            .as_str()
            .unwrap()
            .trim_start_matches("urn:uuid:")
            .to_owned();
        let credential = self
            .get(
                &format!("/api/v1/badges/{id}/credential"),
                Some(ADMIN_TOKEN),
            )
            .await
            .unwrap();
        credential.assert_status(200);
        serde_json::from_slice(&credential.body).unwrap()
    }

    /// `GET`.
    pub async fn get(&mut self, path: &str, token: Option<&str>) -> Result<Reply, hyper::Error> {
        self.send(Method::GET, path, token, None, Vec::new()).await
    }
}
