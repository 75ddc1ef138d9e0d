//! The API's OpenAPI 3.1 document, assembled from the routes the functions register, and
//! the two routes that publish it: `/api/openapi.json` and the `/api/docs` page.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use backend::AppState;
use contract::openapi::{BEARER, COOKIE};
use utoipa::OpenApi;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{Object, OneOfBuilder, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::docs;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tasks API",
        description = "A multi-user task manager. Every success is `{\"success\": true, \"data\": …}` \
                       (lists add `pagination`); every 4xx and 5xx is `{\"success\": false, \"error\": \
                       {\"code\", \"message\", \"details\"?}}`. Protected operations take a Bearer \
                       token or the `token` cookie from signup or signin; rate-limited ones answer \
                       with `X-RateLimit-*` headers."
    ),
    tags(
        (name = "auth", description = "Accounts and sessions."),
        (name = "tasks", description = "The signed-in user's own tasks."),
        (name = "health", description = "Liveness of the service and its database."),
        (name = "docs", description = "This description of the API."),
    )
)]
struct ApiDoc;

/// The functions' routes, each registered together with its OpenAPI operation.
pub fn function_routes(state: AppState) -> OpenApiRouter {
    auth::routes(state.clone()).merge(tasks::routes(state.clone())).merge(health::routes(state))
}

/// The routes that publish the document, described like every other.
pub fn docs_routes() -> OpenApiRouter<Spec> {
    OpenApiRouter::new().routes(routes!(openapi_json)).routes(routes!(docs::page))
}

/// The API, plus `/api/openapi.json` and `/api/docs` describing exactly its routes.
pub fn api(state: AppState) -> Router {
    let (functions, function_paths) = function_routes(state).split_for_parts();
    let (docs, docs_paths) = docs_routes().split_for_parts();
    let spec = Spec::render(&document(function_paths.merge_from(docs_paths)));
    functions.merge(docs.with_state(spec))
}

/// The document: the registered operations, the security schemes they name, the
/// failures every route shares, and the rate-limit headers.
pub fn document(routes: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi().merge_from(routes);
    add_rate_limit_headers(&mut doc);
    add_shared_failures(&mut doc);
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some("The `token` from signup or signin: `Authorization: Bearer <jwt>`."))
                .build(),
        ),
    );
    components.add_security_scheme(
        COOKIE,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "token",
            "The HttpOnly cookie signup and signin set. Writes authenticated by it need an `Origin` \
             in `ALLOWED_ORIGINS` (or none), or they get 403.",
        ))),
    );
    doc
}

/// The serialized document, rendered once at start-up.
#[derive(Clone)]
pub struct Spec(Arc<str>);

impl Spec {
    fn render(doc: &utoipa::openapi::OpenApi) -> Self {
        // Serializing plain data with string keys cannot fail.
        Self(doc.to_pretty_json().unwrap_or_default().into())
    }
}

/// This document.
#[utoipa::path(
    get, path = "/api/openapi.json", tag = "docs", operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document.", content_type = "application/json",
               body = Object))
)]
async fn openapi_json(State(spec): State<Spec>) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], spec.0.to_string())
}

/// Rate-limited operations (those that can answer 429) count every request they answer,
/// and say so in these headers.
fn add_rate_limit_headers(doc: &mut utoipa::openapi::OpenApi) {
    let headers = [
        ("X-RateLimit-Limit", "Requests allowed in the current one-minute window."),
        ("X-RateLimit-Remaining", "Requests left in the window."),
        ("X-RateLimit-Reset", "When the window resets, in Unix seconds."),
    ];
    for operation in operations(doc) {
        if !operation.responses.responses.contains_key("429") {
            continue;
        }
        for response in operation.responses.responses.values_mut() {
            if let RefOr::T(response) = response {
                for (name, description) in headers {
                    let header = HeaderBuilder::new()
                        .schema(Some(Object::with_type(Type::Integer)))
                        .description(Some(description))
                        .build();
                    response.headers.insert(name.to_owned(), header.into());
                }
            }
        }
    }
}

/// What the layers every route passes through can answer: a wrong method (405), a
/// database failure or a panic (500), and the request timeout (503). An operation with a
/// 503 of its own (`/health`) gets the timeout body as an alternative.
fn add_shared_failures(doc: &mut utoipa::openapi::OpenApi) {
    for operation in operations(doc) {
        let responses = &mut operation.responses.responses;
        responses.entry("405".into()).or_insert_with(|| {
            failure("`METHOD_NOT_ALLOWED`: the path exists, but not with this method.").into()
        });
        responses.entry("500".into()).or_insert_with(|| {
            failure("`DB_ERROR` or `SERVER_ERROR`, with a generic message; the details go to the logs.")
                .into()
        });
        let timeout = "`TIMEOUT`: no answer within `REQUEST_TIMEOUT_SECS`.";
        match responses.get_mut("503") {
            Some(RefOr::T(own)) => {
                own.description = format!("{} Or {timeout}", own.description);
                for content in own.content.values_mut() {
                    if let RefOr::T(content) = content
                        && let Some(schema) = content.schema.take()
                    {
                        content.schema = Some(
                            OneOfBuilder::new().item(schema).item(Ref::from_schema_name("Failure")).into(),
                        );
                    }
                }
            }
            Some(RefOr::Ref(_)) => {}
            None => {
                responses.insert("503".into(), failure(timeout).into());
            }
        }
    }
}

fn failure(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("Failure"))).build(),
        )
        .build()
}

fn operations(
    doc: &mut utoipa::openapi::OpenApi,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    doc.paths.paths.values_mut().flat_map(|item| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
    })
}
