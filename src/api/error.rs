//! The API error type and its JSON rendering.
//!
//! Every error leaves the server as `{"error": {"code", "message", "message_ru"}}`, including the
//! ones produced by axum or tower layers (see [`super::middleware::json_errors`]).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

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

/// The JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Code and messages of an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code: `bad_parameter`, `missing_parameter`, `unknown_parameter`,
    /// `repeated_parameter`, `too_many_parameters`, `too_many_values`, `parameter_too_long`,
    /// `bad_encoding`, `bad_host`, `malformed_request`, `uri_too_long`,
    /// `headers_too_large`, `not_found`, `method_not_allowed`, `unsupported_media_type`,
    /// `payload_too_large`, `timeout`, `internal`.
    pub code: String,
    /// English message.
    pub message: String,
    /// Russian message.
    pub message_ru: String,
}

impl ApiError {
    /// An error with any status.
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
        message_ru: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            message_ru: message_ru.into(),
        }
    }

    /// 400 with a code and messages.
    pub fn bad_request(
        code: &'static str,
        message: impl Into<String>,
        message_ru: impl Into<String>,
    ) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message, message_ru)
    }

    /// 404 for an unknown id; `what` is `document` or `entry` (anything else is an «object»).
    pub fn not_found(what: &str, id: &str) -> Self {
        let what_ru = match what {
            "document" => "документа",
            "entry" => "записи",
            _ => "объекта",
        };
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found: {id}"),
            format!("Нет {what_ru} с идентификатором «{id}»"),
        )
    }

    /// 404 for a path no route serves.
    pub fn no_route(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such endpoint: {path}"),
            format!("Нет такого адреса: «{path}»"),
        )
    }

    /// 400 for an HTTP/1.1 request without exactly one valid `Host` header.
    pub fn bad_host() -> Self {
        Self::bad_request(
            "bad_host",
            "an HTTP/1.1 request needs exactly one valid Host header",
            "В запросе версии 1.1 должен быть ровно один правильный заголовок «Host»",
        )
    }

    /// The error of a request the HTTP layer could not read (answered before any handler runs):
    /// `400` malformed request line or header, `414` address too long, `431` head too large.
    pub fn unreadable(status: StatusCode) -> Self {
        match status {
            StatusCode::URI_TOO_LONG => Self::new(
                status,
                "uri_too_long",
                "the request address is too long",
                "Слишком длинный адрес запроса",
            ),
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => Self::new(
                status,
                "headers_too_large",
                "the request headers are too large or too many",
                "Заголовки запроса слишком велики или их слишком много",
            ),
            StatusCode::BAD_REQUEST => Self::new(
                status,
                "malformed_request",
                "the request could not be read (malformed request line or header)",
                "Не удалось прочитать запрос: неправильная строка запроса или заголовок",
            ),
            other => Self::for_status(other, ""),
        }
    }

    /// 500 for a fault of the server (never for client input).
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
            "Внутренняя ошибка сервера",
        )
    }

    /// 503 when a request took longer than the configured timeout.
    pub fn timeout() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "the request took too long; try a narrower query",
            "Запрос выполнялся слишком долго; уточните запрос",
        )
    }

    /// The JSON body of this error.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message.clone(),
                message_ru: self.message_ru.clone(),
            },
        }
    }

    /// The generic error of a status produced outside our handlers (axum rejections, tower layers).
    /// `detail` is the original plain-text body, if any: it is English, so it is added to the
    /// English message only.
    pub fn for_status(status: StatusCode, detail: &str) -> Self {
        let (code, en, ru) = match status {
            StatusCode::BAD_REQUEST => ("bad_request", "bad request", "Неверный запрос"),
            StatusCode::NOT_FOUND => ("not_found", "not found", "Не найдено"),
            StatusCode::METHOD_NOT_ALLOWED => (
                "method_not_allowed",
                "method not allowed",
                "Метод не поддерживается",
            ),
            StatusCode::URI_TOO_LONG => (
                "uri_too_long",
                "the request address is too long",
                "Слишком длинный адрес запроса",
            ),
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => (
                "headers_too_large",
                "the request headers are too large",
                "Заголовки запроса слишком велики",
            ),
            StatusCode::REQUEST_TIMEOUT => (
                "timeout",
                "request timeout",
                "Истекло время ожидания запроса",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => (
                "payload_too_large",
                "request body too large",
                "Слишком большое тело запроса",
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "unsupported_media_type",
                "unsupported media type (send application/json)",
                "Неподдерживаемый тип данных (нужен «application/json»)",
            ),
            StatusCode::UNPROCESSABLE_ENTITY => (
                "unprocessable",
                "the request body could not be processed",
                "Не удалось обработать тело запроса",
            ),
            StatusCode::TOO_MANY_REQUESTS => (
                "too_many_requests",
                "too many requests",
                "Слишком много запросов",
            ),
            StatusCode::SERVICE_UNAVAILABLE => (
                "unavailable",
                "service unavailable",
                "Сервис временно недоступен",
            ),
            s if s.is_server_error() => ("internal", "internal error", "Внутренняя ошибка сервера"),
            _ => ("error", "request failed", "Ошибка запроса"),
        };
        let detail = detail.trim();
        if detail.is_empty() || status.is_server_error() {
            Self::new(status, code, en, ru)
        } else {
            Self::new(status, code, format!("{en}: {detail}"), ru)
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid { en, ru } => ApiError::bad_request("bad_parameter", en, ru),
            Error::Missing { en, ru } => ApiError::new(StatusCode::NOT_FOUND, "not_found", en, ru),
            // English-only messages: the Russian one stays general rather than half English.
            Error::InvalidInput(m) => {
                ApiError::bad_request("bad_parameter", m, "Неверный параметр запроса")
            }
            Error::NotFound(m) => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                m,
                "Запрошенный объект не найден",
            ),
            other => {
                tracing::error!(error = %other, "internal error");
                ApiError::internal()
            }
        }
    }
}
