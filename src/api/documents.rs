//! The write endpoints of documents: upload, replace, remove — behind a bearer token.
//!
//! - `POST /api/documents` — a new document: `multipart/form-data` with a file field, or the raw
//!   file as the body with `?filename=NAME`; `201` with a [`ChangeReport`];
//! - `PUT /api/documents/{doc_id}` — the same bodies, replacing the document (its id stays);
//! - `DELETE /api/documents/{doc_id}` — removes it; `200` with a [`RemoveReport`].
//!
//! Every request needs `Authorization: Bearer <token>` with the token the server was started
//! with ([`AdminToken`], compared in constant time); without a configured token the endpoints
//! are off (`403 uploads_disabled`, saying how to turn them on). Bodies may be up to
//! [`DocumentsConfig::upload_limit`] bytes (other routes keep the small general limit: see
//! [`body_limits`]). The work runs in the blocking pool through [`Documents`], which serialises
//! changes and keeps the document store in step with the index.

use std::sync::Arc;
use std::time::Duration;

use super::json::Json;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use axum::{Extension, Router};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::params::{self, Pairs};
use super::{ApiError, AppState};
use crate::documents::{ChangeError, ChangeReport, Documents, RemoveReport};
use crate::error::RejectReason;
use crate::index::EntryIndex;

/// Default largest upload, in bytes.
pub const DEFAULT_UPLOAD_LIMIT: usize = 20 << 20;
/// Room for the multipart framing (boundaries, part headers, small text fields) on top of the
/// file itself.
const MULTIPART_OVERHEAD: usize = 64 << 10;
/// Shortest accepted admin token, in bytes.
pub const MIN_TOKEN_BYTES: usize = 16;

/// The admin token, kept only as its SHA-256 (never printed, compared in constant time).
#[derive(Clone)]
pub struct AdminToken([u8; 32]);

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(…)")
    }
}

impl AdminToken {
    /// A token from its text (surrounding whitespace, such as a file's final newline, is
    /// dropped). Fails when shorter than [`MIN_TOKEN_BYTES`].
    pub fn new(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.len() < MIN_TOKEN_BYTES {
            return Err(format!(
                "the admin token must be at least {MIN_TOKEN_BYTES} characters (got {})",
                text.len()
            ));
        }
        Ok(AdminToken(Sha256::digest(text.as_bytes()).into()))
    }

    /// Whether `presented` is the token. Both sides are hashed first, so neither the content
    /// nor the length of the token shows in the time taken.
    pub fn verify(&self, presented: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        self.0.ct_eq(&digest).into()
    }
}

/// Settings of the write endpoints.
#[derive(Debug, Clone)]
pub struct DocumentsConfig {
    /// The admin token; `None` switches the write endpoints off.
    pub admin_token: Option<AdminToken>,
    /// Largest upload, in bytes (`413` above).
    pub upload_limit: usize,
}

impl Default for DocumentsConfig {
    fn default() -> Self {
        DocumentsConfig {
            admin_token: None,
            upload_limit: DEFAULT_UPLOAD_LIMIT,
        }
    }
}

/// What the write handlers share (a request extension set by [`super::app`]).
#[derive(Debug)]
pub struct DocumentsState {
    config: DocumentsConfig,
    documents: Documents,
    /// Taken before a change starts (asynchronously, so that a client giving up while queued
    /// changes nothing) and held until it ends.
    queue: Arc<tokio::sync::Mutex<()>>,
    /// Uploads held in memory at once (each up to the upload limit).
    slots: Arc<tokio::sync::Semaphore>,
}

impl DocumentsState {
    /// The state of the write endpoints with these settings.
    pub fn new(config: DocumentsConfig) -> Self {
        DocumentsState {
            config,
            documents: Documents::new(),
            queue: Arc::new(tokio::sync::Mutex::new(())),
            slots: Arc::new(tokio::sync::Semaphore::new(UPLOAD_SLOTS)),
        }
    }
}

/// Most uploads received or waiting in memory at once: memory stays below this many times the
/// upload limit whatever the number of clients.
const UPLOAD_SLOTS: usize = 4;
/// Longest wait for the changes queued before this one (then `503 busy`).
const QUEUE_WAIT: Duration = Duration::from_secs(60);
/// Longest time to receive an upload's body (then `408`).
const BODY_WAIT: Duration = Duration::from_secs(120);

/// Routes of the write endpoints. Their bodies are limited by the handlers (the upload limit),
/// not by the general body limit.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/documents", post(upload))
        .route("/api/documents/{*doc_id}", put(replace).delete(remove))
        .layer(axum::extract::DefaultBodyLimit::disable())
}

/// Whether a request goes to a write endpoint of documents.
fn is_write(req: &Request) -> bool {
    let path = req.uri().path();
    matches!(*req.method(), Method::POST | Method::PUT | Method::DELETE)
        && (path == "/api/documents" || path.starts_with("/api/documents/"))
}

/// The body limit by declared length: the upload limit (plus multipart framing) for the write
/// endpoints, `general` for everything else (see [`super::middleware::body_limit`]).
pub async fn body_limits(
    State((general, uploads)): State<(usize, usize)>,
    req: Request,
    next: Next,
) -> Response {
    let limit = if is_write(&req) {
        uploads.saturating_add(MULTIPART_OVERHEAD)
    } else {
        general
    };
    super::middleware::body_limit(State(limit), req, next).await
}

/// The request timeout of [`super::middleware::timeout`] for everything but the write endpoints:
/// a change that has started is always seen through and answered (its body has its own time
/// limit, and the wait for earlier changes is bounded by [`QUEUE_WAIT`]).
pub async fn timeouts(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    if is_write(&req) {
        return next.run(req).await;
    }
    super::middleware::timeout(State(limit), req, next).await
}

/// Upload a new document.
#[utoipa::path(
    post,
    path = "/api/documents",
    tag = "documents",
    security(("admin_token" = [])),
    params(("filename" = Option<String>, Query, description = "File name of a raw body (required then; ignored for multipart)")),
    request_body(
        description = "`multipart/form-data` with one file field, or the raw file (any other content type) with `?filename=`",
        content = UploadForm,
        content_type = "multipart/form-data"
    ),
    responses(
        (status = 201, description = "Stored, parsed and indexed", body = ChangeReport),
        (status = 400, description = "No file, bad file name or parameter", body = super::error::ErrorBody),
        (status = 401, description = "No bearer token", body = super::error::ErrorBody),
        (status = 403, description = "Wrong token, or uploads are off", body = super::error::ErrorBody),
        (status = 409, description = "The same file is already stored", body = super::error::ErrorBody),
        (status = 413, description = "Larger than the upload limit", body = super::error::ErrorBody),
        (status = 415, description = "Not a document type that is read (or binary)", body = super::error::ErrorBody),
        (status = 422, description = "Empty, or not Russian/English text", body = super::error::ErrorBody),
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    docs: Option<Extension<Arc<DocumentsState>>>,
    req: Request,
) -> Result<Response, Refusal> {
    let docs = authorised(docs, req.headers())?;
    let (name, bytes, _slot) = read_file_in_time(&docs, req).await?;
    let report = on_documents(&state, &docs, move |d, index| d.add(index, &name, &bytes)).await?;
    let mut resp = (StatusCode::CREATED, Json(&report)).into_response();
    let location = format!("/api/documents/{}", report.doc_id);
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// Replace a document by a new file (its id stays).
#[utoipa::path(
    put,
    path = "/api/documents/{doc_id}",
    tag = "documents",
    security(("admin_token" = [])),
    params(
        ("doc_id" = String, Path, description = "Document id"),
        ("filename" = Option<String>, Query, description = "File name of a raw body (required then; ignored for multipart)"),
    ),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Replaced: the old entries are gone, the new ones indexed", body = ChangeReport),
        (status = 401, description = "No bearer token", body = super::error::ErrorBody),
        (status = 403, description = "Wrong token, or uploads are off", body = super::error::ErrorBody),
        (status = 404, description = "Unknown document", body = super::error::ErrorBody),
        (status = 413, description = "Larger than the upload limit", body = super::error::ErrorBody),
        (status = 415, description = "Not a document type that is read (or binary)", body = super::error::ErrorBody),
        (status = 422, description = "Empty, or not Russian/English text", body = super::error::ErrorBody),
    )
)]
pub async fn replace(
    State(state): State<AppState>,
    docs: Option<Extension<Arc<DocumentsState>>>,
    req: Request,
) -> Result<Json<ChangeReport>, Refusal> {
    let docs = authorised(docs, req.headers())?;
    let doc_id = doc_id_of(req.uri())?;
    let (name, bytes, _slot) = read_file_in_time(&docs, req).await?;
    let report = on_documents(&state, &docs, move |d, index| {
        d.replace(index, &doc_id, &name, &bytes)
    })
    .await?;
    Ok(Json(report))
}

/// Remove a document (its entries and its stored original).
#[utoipa::path(
    delete,
    path = "/api/documents/{doc_id}",
    tag = "documents",
    security(("admin_token" = [])),
    params(("doc_id" = String, Path, description = "Document id")),
    responses(
        (status = 200, description = "Removed", body = RemoveReport),
        (status = 401, description = "No bearer token", body = super::error::ErrorBody),
        (status = 403, description = "Wrong token, or uploads are off", body = super::error::ErrorBody),
        (status = 404, description = "Unknown document", body = super::error::ErrorBody),
    )
)]
pub async fn remove(
    State(state): State<AppState>,
    docs: Option<Extension<Arc<DocumentsState>>>,
    req: Request,
) -> Result<Json<RemoveReport>, Refusal> {
    let docs = authorised(docs, req.headers())?;
    Pairs::parse(req.uri().query())?.only(&[])?;
    let doc_id = doc_id_of(req.uri())?;
    let report = on_documents(&state, &docs, move |d, index| d.remove(index, &doc_id)).await?;
    Ok(Json(report))
}

/// The error answer of the write endpoints: an [`ApiError`], with `WWW-Authenticate: Bearer`
/// on `401`.
#[derive(Debug)]
pub struct Refusal(ApiError);

impl From<ApiError> for Refusal {
    fn from(e: ApiError) -> Self {
        Refusal(e)
    }
}

impl From<crate::search::params::ParamError> for Refusal {
    fn from(e: crate::search::params::ParamError) -> Self {
        Refusal(e.into())
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let unauthorised = self.0.status == StatusCode::UNAUTHORIZED;
        let mut resp = self.0.into_response();
        if unauthorised {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"edusearch\""),
            );
        }
        resp
    }
}

/// The multipart form of an upload (documentation only).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file (`.txt` or `.md`); its name is the part's file name.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Checks the bearer token; answers why not otherwise.
fn authorised(
    docs: Option<Extension<Arc<DocumentsState>>>,
    headers: &HeaderMap,
) -> Result<Arc<DocumentsState>, ApiError> {
    let Some(Extension(docs)) = docs else {
        return Err(uploads_disabled());
    };
    let Some(expected) = &docs.config.admin_token else {
        return Err(uploads_disabled());
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    match presented {
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this endpoint needs the header `Authorization: Bearer <admin token>`",
            "Нужен заголовок «Authorization: Bearer <токен администратора>»",
        )),
        Some(token) if expected.verify(token) => Ok(docs.clone()),
        Some(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the admin token is wrong",
            "Неверный токен администратора",
        )),
    }
}

fn uploads_disabled() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "uploads_disabled",
        "changing documents is off on this server; start `edusearch serve` with \
         `--admin-token-file FILE` (or the EDUSEARCH_ADMIN_TOKEN variable) to turn it on",
        "Изменение документов на этом сервере выключено; чтобы включить, запустите \
         `edusearch serve` с параметром `--admin-token-file ФАЙЛ` (или с переменной окружения \
         EDUSEARCH_ADMIN_TOKEN)",
    )
}

/// The document id of `/api/documents/{doc_id}`.
fn doc_id_of(uri: &axum::http::Uri) -> Result<String, ApiError> {
    let rest = uri
        .path()
        .strip_prefix("/api/documents/")
        .unwrap_or_default();
    let id = params::decode_path(rest)?;
    if id.is_empty() {
        return Err(ApiError::bad_request(
            "bad_parameter",
            "no document id in the path",
            "В адресе нет идентификатора документа",
        ));
    }
    Ok(id)
}

/// [`read_file`] within [`BODY_WAIT`], holding one of the [`UPLOAD_SLOTS`] until the returned
/// permit is dropped (after the change).
async fn read_file_in_time(
    docs: &DocumentsState,
    req: Request,
) -> Result<(String, Bytes, tokio::sync::OwnedSemaphorePermit), ApiError> {
    let Ok(Ok(slot)) = tokio::time::timeout(QUEUE_WAIT, docs.slots.clone().acquire_owned()).await
    else {
        return Err(change_error(ChangeError::Busy));
    };
    match tokio::time::timeout(BODY_WAIT, read_file(docs, req)).await {
        Ok(read) => read.map(|(name, bytes)| (name, bytes, slot)),
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            format!(
                "the upload did not arrive within {} seconds",
                BODY_WAIT.as_secs()
            ),
            format!("Файл не был получен за {} секунд", BODY_WAIT.as_secs()),
        )),
    }
}

/// The file of an upload: the first multipart part with a file name (or named `file`), or the
/// raw body named by `?filename=`.
async fn read_file(docs: &DocumentsState, req: Request) -> Result<(String, Bytes), ApiError> {
    let limit = docs.config.upload_limit;
    let pairs = Pairs::parse(req.uri().query())?;
    pairs.only(&["filename"])?;
    let filename = pairs
        .0
        .iter()
        .find(|(k, _)| k == "filename")
        .map(|(_, v)| v.clone());
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(
        body,
        limit.saturating_add(MULTIPART_OVERHEAD),
    ));
    let req = Request::from_parts(parts, body);
    if is_multipart(req.headers()) {
        let multipart = Multipart::from_request(req, &())
            .await
            .map_err(|e| multipart_error(e.status(), &e.body_text()))?;
        return multipart_file(multipart, limit).await;
    }
    let Some(name) = filename else {
        return Err(ApiError::bad_request(
            "missing_filename",
            "a raw upload needs `?filename=NAME.txt` (or send multipart/form-data with a file)",
            "Для загрузки без multipart укажите имя файла: `?filename=ИМЯ.txt` (или отправьте файл \
             как multipart/form-data)",
        ));
    };
    let bytes = axum::body::to_bytes(req.into_body(), usize::MAX)
        .await
        .map_err(|e| body_error(&e))?;
    if bytes.len() > limit {
        return Err(too_large(limit));
    }
    Ok((name, bytes))
}

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

async fn multipart_file(
    mut multipart: Multipart,
    limit: usize,
) -> Result<(String, Bytes), ApiError> {
    loop {
        let field = multipart
            .next_field()
            .await
            .map_err(|e| multipart_error(e.status(), &e.body_text()))?;
        let Some(mut field) = field else {
            return Err(ApiError::bad_request(
                "missing_file",
                "the multipart body has no file part",
                "В теле multipart нет файла",
            ));
        };
        let name = field
            .file_name()
            .map(str::to_owned)
            .or_else(|| (field.name() == Some("file")).then(|| "upload.txt".to_owned()));
        let Some(name) = name else {
            continue;
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| multipart_error(e.status(), &e.body_text()))?
        {
            if bytes.len() + chunk.len() > limit {
                return Err(too_large(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((name, Bytes::from(bytes)));
    }
}

/// A multipart body that could not be read: `413` over the limit, else `400`, with the parser's
/// detail in English and a Russian message of our own.
fn multipart_error(status: StatusCode, detail: &str) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            status,
            "payload_too_large",
            "the upload is larger than the upload limit",
            "Файл больше допустимого размера загрузки",
        );
    }
    ApiError::bad_request(
        "bad_multipart",
        format!("the multipart/form-data body cannot be read: {detail}"),
        "Не удалось разобрать тело запроса multipart/form-data",
    )
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the file is larger than the upload limit of {limit} bytes"),
        format!("Файл больше допустимого размера загрузки ({limit} байт)"),
    )
}

/// A body that could not be read: over the limit (`413`), or cut off (`400`).
fn body_error(e: &axum::Error) -> ApiError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the upload is larger than the upload limit",
                "Файл больше допустимого размера загрузки",
            );
        }
        source = s.source();
    }
    ApiError::bad_request(
        "bad_body",
        format!("the request body could not be read: {e}"),
        "Не удалось прочитать тело запроса",
    )
}

/// Runs a change on the blocking pool and maps its errors.
async fn on_documents<T, F>(
    state: &AppState,
    docs: &Arc<DocumentsState>,
    f: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Documents, &EntryIndex) -> Result<T, ChangeError> + Send + 'static,
{
    let Ok(turn) = tokio::time::timeout(QUEUE_WAIT, docs.queue.clone().lock_owned()).await else {
        return Err(change_error(ChangeError::Busy));
    };
    let index = state.index.clone();
    let docs = docs.clone();
    // Once started, the change runs to its end even if the client goes away.
    let task = tokio::task::spawn_blocking(move || {
        let _turn = turn;
        f(&docs.documents, &index)
    });
    match task.await {
        Ok(result) => result.map_err(change_error),
        Err(e) => {
            tracing::error!(error = %e, "document change task failed");
            Err(ApiError::internal())
        }
    }
}

/// The answer to a refused or failed change.
fn change_error(e: ChangeError) -> ApiError {
    match e {
        ChangeError::Rejected { name, reason } => rejected(&name, &reason),
        ChangeError::BadName(name) => ApiError::bad_request(
            "bad_filename",
            format!("bad file name {name:?}: give a plain file name such as prikaz.txt"),
            format!("Недопустимое имя файла «{name}»: укажите простое имя, например prikaz.txt"),
        ),
        ChangeError::NotFound(id) => ApiError::not_found("document", &id),
        ChangeError::Duplicate(id) => ApiError::new(
            StatusCode::CONFLICT,
            "duplicate",
            format!("the same file is already stored as document {id}"),
            format!("Этот файл уже загружен как документ {id}"),
        ),
        ChangeError::Busy => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "the index is busy with other changes (or written by another process); try again later",
            "Индекс занят другими изменениями (или его изменяет другой процесс); повторите позже",
        ),
        other => {
            tracing::error!(error = %other, "document change failed");
            ApiError::internal()
        }
    }
}

/// `415` for files of a type that is not read, `422` for readable files without usable text.
fn rejected(name: &str, reason: &RejectReason) -> ApiError {
    let message = format!("{name}: {reason}");
    let (status, code, ru) = match reason {
        RejectReason::Unsupported => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_document",
            "тип файла не поддерживается (читаются файлы «.txt», «.md», «.docx», «.odt», «.html», «.rtf», «.pdf»)".to_owned(),
        ),
        RejectReason::Format(e @ crate::formats::FormatError::LegacyDoc) => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_document",
            e.message_ru(),
        ),
        RejectReason::Format(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_document",
            e.message_ru(),
        ),
        RejectReason::TooLarge { .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "файл слишком большой".to_owned(),
        ),
        RejectReason::NotRegularFile(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_document",
            "это не обычный файл".to_owned(),
        ),
        RejectReason::IdTaken(_) => (
            StatusCode::CONFLICT,
            "duplicate",
            "идентификатор документа уже занят другим файлом".to_owned(),
        ),
        RejectReason::Binary(_) => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_document",
            "это двоичный файл, а не текст".to_owned(),
        ),
        RejectReason::Empty => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_document",
            "файл пуст".to_owned(),
        ),
        RejectReason::Language(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_document",
            "текст не на русском и не на английском языке".to_owned(),
        ),
        RejectReason::Io(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_document",
            "файл не удалось прочитать".to_owned(),
        ),
    };
    ApiError::new(status, code, message, format!("{name}: {ru}"))
}

/// OpenAPI description of the write endpoints, with the bearer scheme.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(upload, replace, remove),
    components(schemas(ChangeReport, RemoveReport, UploadForm)),
    modifiers(&BearerScheme)
)]
pub struct DocumentsApiDoc;

/// Adds the `admin_token` bearer scheme.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_whole_and_never_printed() {
        let token = AdminToken::new("  s3cret-token-of-the-admin\n").unwrap();
        assert!(token.verify("s3cret-token-of-the-admin"));
        assert!(!token.verify("s3cret-token-of-the-admi"));
        assert!(!token.verify("s3cret-token-of-the-admin2"));
        assert!(!token.verify(""));
        assert!(!format!("{token:?}").contains("s3cret"));
        assert!(AdminToken::new("short").is_err());
    }

    #[test]
    fn openapi_documents_the_write_endpoints_with_the_bearer_scheme() {
        let doc = serde_json::to_value(super::super::openapi::document()).unwrap_or_default();
        for (path, method) in [
            ("/api/documents", "post"),
            ("/api/documents/{doc_id}", "put"),
            ("/api/documents/{doc_id}", "delete"),
        ] {
            let op = &doc["paths"][path][method];
            assert!(op.is_object(), "{method} {path} missing");
            assert!(
                op["security"][0]["admin_token"].is_array(),
                "{method} {path}"
            );
        }
        assert!(doc["paths"]["/api/documents"]["get"].is_object());
        assert_eq!(
            doc["components"]["securitySchemes"]["admin_token"]["scheme"],
            "bearer"
        );
        assert!(doc["components"]["schemas"]["ChangeReport"].is_object());
    }
}
