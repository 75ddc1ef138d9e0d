use axum::Json;
use axum::http::StatusCode;

use contract::api::{Pagination, Success};

pub type JsonOk<T> = Json<Success<T>>;
pub type Created<T> = (StatusCode, Json<Success<T>>);

pub fn ok<T>(data: T) -> JsonOk<T> {
    Json(Success::new(data))
}

pub fn created<T>(data: T) -> Created<T> {
    (StatusCode::CREATED, Json(Success::new(data)))
}

pub fn page<T>(data: T, pagination: Pagination) -> JsonOk<T> {
    Json(Success::page(data, pagination))
}
