//! Query-string extractors: our own parsing ([`crate::search::params`]), so that repeated
//! parameters, bad percent-encoding, unknown names and bad values all end as precise 400 JSON
//! errors rather than axum's plain-text rejections.
//!
//! - [`Query`]: the decoded pairs (endpoints with parameters of their own: align, compare);
//! - [`NoQuery`]: endpoints that take none;
//! - [`SearchQuery`] / [`SimilarQuery`]: the checked [`SearchRequest`] of `/api/search` and
//!   `/api/entries/{id}/similar`, documented in OpenAPI from the [`Param`] vocabulary;
//! - [`DocumentsQuery`]: the checked [`DocumentQuery`] of `GET /api/documents`, likewise.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{KnownFormat, Required};

use super::ApiError;
use crate::index::DocumentQuery;
use crate::search::SearchRequest;
use crate::search::params::request;
pub use crate::search::params::{
    MAX_PAIRS, MAX_QUERY_CHARS, MAX_VALUE_CHARS, MAX_VALUES, Pairs, ParamError, YEARS, decode,
    decode_path,
};
use crate::vocabulary::{Endpoint, Param, ValueKind};

impl From<ParamError> for ApiError {
    fn from(e: ParamError) -> Self {
        ApiError::bad_request(e.code, e.message, e.message_ru)
    }
}

/// The decoded query string.
#[derive(Debug, Clone, Default)]
pub struct Query(pub Pairs);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(Query(Pairs::parse(parts.uri.query())?))
    }
}

/// An empty query string (any parameter is `unknown_parameter`).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoQuery;

impl<S: Send + Sync> FromRequestParts<S> for NoQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Pairs::parse(parts.uri.query())?.only(&[])?;
        Ok(NoQuery)
    }
}

/// The checked request of `/api/search`.
#[derive(Debug, Clone)]
pub struct SearchQuery(pub SearchRequest);

impl<S: Send + Sync> FromRequestParts<S> for SearchQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let pairs = Pairs::parse(parts.uri.query())?;
        Ok(SearchQuery(request(&pairs, Endpoint::Search)?))
    }
}

/// The checked request of `/api/entries/{id}/similar` (filters and `limit`).
#[derive(Debug, Clone)]
pub struct SimilarQuery(pub SearchRequest);

impl SimilarQuery {
    /// Checks decoded pairs.
    pub fn from_pairs(pairs: &Pairs) -> Result<SimilarQuery, ApiError> {
        Ok(SimilarQuery(request(pairs, Endpoint::Similar)?))
    }
}

impl utoipa::IntoParams for SearchQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        openapi_params(Endpoint::Search)
    }
}

/// The checked request of `GET /api/documents`: words, document filters, paging.
#[derive(Debug, Clone)]
pub struct DocumentsQuery(pub DocumentQuery);

impl<S: Send + Sync> FromRequestParts<S> for DocumentsQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let pairs = Pairs::parse(parts.uri.query())?;
        let req = request(&pairs, Endpoint::Documents)?;
        Ok(DocumentsQuery(DocumentQuery::from(&req)))
    }
}

impl utoipa::IntoParams for DocumentsQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        openapi_params(Endpoint::Documents)
    }
}

impl utoipa::IntoParams for SimilarQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        openapi_params(Endpoint::Similar)
    }
}

/// The OpenAPI parameters of `endpoint`, from the vocabulary.
pub fn openapi_params(endpoint: Endpoint) -> Vec<Parameter> {
    Param::of(endpoint)
        .map(|p| {
            let mut description = format!("{} ({}).", p.help_at(endpoint), p.label_ru());
            if let Some(list) = p.values_list() {
                description.push_str(&format!(" Values: {list}; any case."));
            }
            if p.repeatable() {
                description.push_str(" Repeatable: any of the values.");
            }
            for alias in p.aliases() {
                description.push_str(&format!(" Also accepted as `{alias}`."));
            }
            ParameterBuilder::new()
                .name(p.name())
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(schema_of(p)))
                .build()
        })
        .collect()
}

fn schema_of(p: Param) -> Schema {
    let one = match p.kind() {
        ValueKind::Query => ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(MAX_QUERY_CHARS)),
        ValueKind::Text => ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(MAX_VALUE_CHARS)),
        ValueKind::Year => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(*YEARS.start()))
            .maximum(Some(*YEARS.end())),
        ValueKind::Date => ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
        ValueKind::Count { min, max } => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(min as f64))
            .maximum(Some(max as f64)),
        ValueKind::Bool => ObjectBuilder::new().schema_type(Type::Boolean),
        ValueKind::Term(values) => ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(values().into_iter().map(|(id, _)| id))),
    };
    if p.repeatable() {
        Schema::Array(
            ArrayBuilder::new()
                .items(one)
                .max_items(Some(MAX_VALUES))
                .build(),
        )
    } else {
        Schema::Object(one.build())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_parameters_follow_the_vocabulary() {
        let search = openapi_params(Endpoint::Search);
        let names: Vec<&str> = search.iter().map(|p| p.name.as_str()).collect();
        assert!(names.contains(&"entry_type") && names.contains(&"q"));
        let similar = openapi_params(Endpoint::Similar);
        assert!(similar.iter().all(|p| p.name != "q" && p.name != "offset"));
        let json = serde_json::to_string(&search).unwrap_or_default();
        assert!(json.contains("\"municipal\""), "{json}");
    }

    #[test]
    fn param_errors_are_400() {
        let e = ApiError::from(Pairs::parse(Some("q=%FF")).unwrap_err());
        assert_eq!(e.status, axum::http::StatusCode::BAD_REQUEST);
        assert_eq!(e.code, "bad_encoding");
    }
}
