//! The OpenAPI description (`/openapi.json`) and Swagger UI (`/docs`).

use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use super::AppState;
use super::handlers;

/// The OpenAPI document of the read endpoints.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "edusearch API",
        description = "Full-text search over Russian education-policy documents at the level of \
                       individual recommendations, with facets by addressee, year and session topic. \
                       Errors are `{\"error\": {\"code\", \"message\", \"message_ru\"}}`."
    ),
    paths(
        handlers::search,
        handlers::facets,
        handlers::documents,
        handlers::document,
        handlers::entry_or_similar,
        handlers::healthz,
    ),
    components(schemas(super::error::ErrorBody)),
    tags(
        (name = "search", description = "Search and facets"),
        (name = "documents", description = "Documents and their outline"),
        (name = "entries", description = "Single entries"),
        (name = "meta", description = "Health"),
    )
)]
pub struct ApiDoc;

/// The whole document: the read endpoints and the comparison endpoints.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(super::compare::CompareApi::openapi());
    doc.merge(super::documents::DocumentsApiDoc::openapi());
    doc.merge(super::suggest::SuggestApi::openapi());
    doc
}

/// Routes of `/openapi.json` and `/docs` (Swagger UI, files compiled in).
pub fn routes() -> axum::Router<AppState> {
    SwaggerUi::new("/docs")
        .url("/openapi.json", document())
        .into()
}
