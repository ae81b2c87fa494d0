//! The API error type and its JSON rendering.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::Error;

/// An error answered to a client: status, machine code, English and Russian messages.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status (4xx for client errors; 5xx only for server faults).
    pub status: StatusCode,
    /// Stable machine-readable code, e.g. `bad_parameter`, `not_found`.
    pub code: &'static str,
    /// English message.
    pub message: String,
    /// Russian message.
    pub message_ru: String,
}

impl ApiError {
    /// 400 with a code and messages.
    pub fn bad_request(
        code: &'static str,
        message: impl Into<String>,
        message_ru: impl Into<String>,
    ) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
            message_ru: message_ru.into(),
        }
    }

    /// 404 for an unknown id.
    pub fn not_found(what: &str, id: &str) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: format!("{what} not found: {id}"),
            message_ru: format!("Не найдено ({what}): {id}"),
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
    message_ru: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Inner {
                code: self.code,
                message: &self.message,
                message_ru: &self.message_ru,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::InvalidInput(m) => ApiError::bad_request(
                "bad_parameter",
                m.clone(),
                format!("Неверный параметр: {m}"),
            ),
            Error::NotFound(m) => ApiError {
                status: StatusCode::NOT_FOUND,
                code: "not_found",
                message: m.clone(),
                message_ru: format!("Не найдено: {m}"),
            },
            other => {
                tracing::error!(error = %other, "internal error");
                ApiError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    code: "internal",
                    message: "internal error".into(),
                    message_ru: "Внутренняя ошибка сервера".into(),
                }
            }
        }
    }
}
