//! Input extractors that answer problem+json: [`ValidJson`] reads JSON (415 on another media
//! type, 413 over the body limit, 400 when it is not JSON, 422 naming the field when it does
//! not fit the type or fails validation); [`OptionalJson`] the same for a body that may be
//! left out; [`ValidQuery`] does the same for query strings.
//! The `*_config` functions make actix's own extractors answer the same way.

use std::{future::Future, pin::Pin};

use actix_web::{
    FromRequest, HttpRequest,
    dev::Payload,
    error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError},
    http::header,
    web,
};
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::{
    BODY_LIMIT_BYTES, PUBLIC_BODY_LIMIT_BYTES,
    error::{AppError, FieldError, codes},
};

/// A JSON body, deserialized and validated.
#[derive(Debug, Clone)]
pub struct ValidJson<T>(pub T);

impl<T> ValidJson<T> {
    /// The inner value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Whether the request says its body is JSON (`application/json` or `*/*+json`).
fn json_content_type(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json" || mime.ends_with("+json")
        })
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = json_content_type(req);
        let body = web::Bytes::from_request(req, payload);
        let limit = if crate::auth::is_signed_in(req) {
            BODY_LIMIT_BYTES
        } else {
            PUBLIC_BODY_LIMIT_BYTES
        };
        Box::pin(async move {
            if !content_type_ok {
                return Err(AppError::unsupported_media_type(
                    "expected Content-Type: application/json",
                ));
            }
            let bytes = body.await.map_err(|e| payload_error(&e))?;
            if bytes.len() > limit {
                return Err(AppError::PayloadTooLarge { limit });
            }
            let value: T = parse_json_object(&bytes, false)?;
            value
                .validate()
                .map_err(|e| AppError::Validation(field_errors(&e)))?;
            Ok(ValidJson(value))
        })
    }
}

/// A JSON body that may be left out: no body (or only whitespace) is `None`, and so is
/// `null`; a body that is there must be valid, as for [`ValidJson`] (a malformed or invalid
/// body is refused, never taken for an absent one).
#[derive(Debug, Clone)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for OptionalJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = json_content_type(req);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = body.await.map_err(|e| payload_error(&e))?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(OptionalJson(None));
            }
            if !content_type_ok {
                return Err(AppError::unsupported_media_type(
                    "expected Content-Type: application/json",
                ));
            }
            let value: Option<T> = parse_json_object(&bytes, true)?;
            if let Some(value) = &value {
                value
                    .validate()
                    .map_err(|e| AppError::Validation(field_errors(&e)))?;
            }
            Ok(OptionalJson(value))
        })
    }
}

/// Deserializes JSON, telling syntax errors (400) from shape errors (422 naming the path).
/// A number with a zero fraction (`5.0`) is that integer, as JSON Schema counts it.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    from_value(parse_value(bytes)?)
}

/// [`parse_json`] for a request body that is an object (every JSON body of the API): serde
/// would also fill a struct from an array of its fields in order, which no schema allows.
/// `null` passes when `null_ok` (an optional body).
fn parse_json_object<T: DeserializeOwned>(bytes: &[u8], null_ok: bool) -> Result<T, AppError> {
    let value = parse_value(bytes)?;
    if !(value.is_object() || null_ok && value.is_null()) {
        return Err(AppError::invalid_field("body", "must be a JSON object"));
    }
    from_value(value)
}

fn parse_value(bytes: &[u8]) -> Result<serde_json::Value, AppError> {
    serde_json::from_slice(bytes).map_err(|inner| {
        AppError::new(
            &codes::MALFORMED_JSON,
            format!("the body is not valid JSON: {inner}"),
        )
    })
}

fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(integral_numbers(value)).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            AppError::new(
                &codes::MALFORMED_JSON,
                format!("the body is not valid JSON: {inner}"),
            )
        } else {
            let field = if path == "." {
                missing_field(&inner.to_string()).unwrap_or_else(|| "body".into())
            } else {
                path
            };
            AppError::invalid_field(field, strip_position(&inner.to_string()))
        }
    })
}

/// Numbers written with a zero fraction (`5.0`, `-3e2`) as integers, where they fit an
/// `i64`/`u64`, everywhere in `value`: JSON has one number type and JSON Schema calls them
/// integers, so an integer field must take them.
fn integral_numbers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // exact: 2^63 and 2^64 are powers of two, so the bounds compare without rounding
            let integral = f.is_finite() && f.fract() == 0.0;
            if integral && f >= -(2f64.powi(63)) && f < 2f64.powi(63) {
                #[allow(clippy::cast_possible_truncation)]
                Value::from(f as i64)
            } else if integral && f >= 0.0 && f < 2f64.powi(64) {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Value::from(f as u64)
            } else {
                Value::Number(n)
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(integral_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, integral_numbers(v)))
                .collect(),
        ),
        other => other,
    }
}

/// A query string, deserialized and validated.
#[derive(Debug, Clone)]
pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidQuery<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = serde_urlencoded_path(req.query_string()).and_then(|value: T| {
            value
                .validate()
                .map_err(|e| AppError::Validation(field_errors(&e)))?;
            Ok(ValidQuery(value))
        });
        std::future::ready(result)
    }
}

/// Deserializes a query string, naming the parameter a value does not fit (`status` for
/// `?status=soon`), as JSON bodies do.
fn serde_urlencoded_path<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    match web::Query::<Tracked<T>>::from_query(query) {
        Ok(web::Query(Tracked(Ok(value)))) => Ok(value),
        Ok(web::Query(Tracked(Err(TrackedError { path, message })))) => {
            let field = if path.is_empty() || path == "." {
                missing_field(&message).unwrap_or_else(|| "query".into())
            } else {
                path
            };
            Err(AppError::invalid_field(field, message))
        }
        Err(e) => Err(query_error(&e)),
    }
}

/// Where a value failed to deserialize, and why.
struct TrackedError {
    path: String,
    message: String,
}

/// A `T` deserialized through `serde_path_to_error` from whatever deserializer actix's
/// `Query` uses, so a failure keeps the path of the field it happened in.
struct Tracked<T>(Result<T, TrackedError>);

impl<'de, T: DeserializeOwned> serde::Deserialize<'de> for Tracked<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Tracked(
            serde_path_to_error::deserialize(deserializer).map_err(|err| TrackedError {
                path: err.path().to_string(),
                message: err.into_inner().to_string(),
            }),
        ))
    }
}

/// Flattens validator errors into `[{field, message}]` with dotted paths.
pub fn field_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect(errors, "", &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(errs) => {
                for e in errs {
                    let message = e
                        .message
                        .as_ref()
                        .map_or_else(|| describe(e), ToString::to_string);
                    out.push(FieldError::new(path.clone(), message));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    collect(inner, &format!("{path}[{i}]"), out);
                }
            }
        }
    }
}

fn describe(e: &validator::ValidationError) -> String {
    let param = |k: &str| e.params.get(k).map(ToString::to_string);
    match e.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("length must be between {min} and {max}"),
            (Some(min), None) => format!("length must be at least {min}"),
            (None, Some(max)) => format!("length must be at most {max}"),
            _ => "invalid length".into(),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            _ => "out of range".into(),
        },
        "email" => "must be an email address".into(),
        "url" => "must be a URL".into(),
        "required" => "is required".into(),
        code => format!("is invalid ({code})"),
    }
}

fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next().map(str::to_owned)
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn payload_error(err: &actix_web::Error) -> AppError {
    match err.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => AppError::PayloadTooLarge {
            limit: BODY_LIMIT_BYTES,
        },
        _ if err.as_response_error().status_code().as_u16() == 413 => AppError::PayloadTooLarge {
            limit: BODY_LIMIT_BYTES,
        },
        _ => AppError::new(&codes::BAD_BODY, format!("could not read the body: {err}")),
    }
}

fn query_error(err: &QueryPayloadError) -> AppError {
    let message = err.to_string();
    let message = message
        .strip_prefix("Query deserialize error: ")
        .unwrap_or(&message)
        .to_owned();
    let field = missing_field(&message).unwrap_or_else(|| "query".into());
    AppError::invalid_field(field, message)
}

/// `web::JsonConfig` that answers problem+json (for handlers using `web::Json`).
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(BODY_LIMIT_BYTES)
        .error_handler(|err, _| {
            let app = match &err {
                JsonPayloadError::OverflowKnownLength { .. }
                | JsonPayloadError::Overflow { .. } => AppError::PayloadTooLarge {
                    limit: BODY_LIMIT_BYTES,
                },
                JsonPayloadError::ContentType => {
                    AppError::unsupported_media_type("expected Content-Type: application/json")
                }
                JsonPayloadError::Deserialize(e) if e.is_data() => {
                    let msg = e.to_string();
                    AppError::invalid_field(
                        missing_field(&msg).unwrap_or_else(|| "body".into()),
                        strip_position(&msg),
                    )
                }
                other => AppError::new(
                    &codes::MALFORMED_JSON,
                    format!("the body is not valid JSON: {other}"),
                ),
            };
            app.into()
        })
}

/// `web::QueryConfig` that answers problem+json.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| query_error(&err).into())
}

/// `web::PathConfig` that answers problem+json: a malformed path parameter is a 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, req| {
        AppError::not_found(format!("no resource at {} ({err})", req.path())).into()
    })
}

/// `web::PayloadConfig` with [`BODY_LIMIT_BYTES`] (used by `ValidJson` and `web::Bytes`).
pub fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::new(BODY_LIMIT_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, Validate)]
    struct Signup {
        #[validate(email)]
        email: String,
        #[validate(length(min = 8, max = 128))]
        password: String,
        #[allow(dead_code)]
        age: Option<u8>,
    }

    #[test]
    fn syntax_errors_are_400_and_shape_errors_name_the_field() {
        let err = parse_json::<Signup>(b"{\"email\": ").unwrap_err();
        assert_eq!(err.code(), "malformed_json");
        let err = parse_json::<Signup>(br#"{"password":"x"}"#).unwrap_err();
        assert_eq!(err.problem().errors.unwrap()[0].field, "email");
        let err =
            parse_json::<Signup>(br#"{"email":"a@b.c","password":"x","age":"old"}"#).unwrap_err();
        assert_eq!(err.problem().errors.unwrap()[0].field, "age");
    }

    #[test]
    fn integral_floats_are_integers_and_fractions_are_not() {
        #[derive(Debug, Deserialize)]
        struct N {
            n: i64,
            u: u64,
        }
        let v: N = parse_json(br#"{"n": -3.0, "u": 6108.0}"#).unwrap();
        assert_eq!((v.n, v.u), (-3, 6108));
        let v: N = parse_json(br#"{"n": 1e3, "u": 18446744073709549568.0}"#).unwrap();
        assert_eq!((v.n, v.u), (1000, 18_446_744_073_709_549_568));
        let err = parse_json::<N>(br#"{"n": 1.5, "u": 1}"#).unwrap_err();
        assert_eq!(err.problem().errors.unwrap()[0].field, "n");
        let err = parse_json::<N>(br#"{"n": 1, "u": -1.0}"#).unwrap_err();
        assert_eq!(err.problem().errors.unwrap()[0].field, "u");
        let err = parse_json::<N>(br#"{"n": 1, "u": 1} trailing"#).unwrap_err();
        assert_eq!(err.code(), "malformed_json");
    }

    #[test]
    fn a_body_is_an_object_not_an_array_of_its_fields() {
        #[derive(Debug, Deserialize)]
        struct Opt {
            #[allow(dead_code)]
            a: Option<String>,
        }
        assert!(parse_json::<Opt>(b"[null]").is_ok(), "serde alone takes it");
        let err = parse_json_object::<Opt>(b"[null]", false).unwrap_err();
        assert_eq!(err.problem().errors.unwrap()[0].field, "body");
        assert!(
            parse_json_object::<Option<Opt>>(b"null", true)
                .unwrap()
                .is_none()
        );
        assert!(parse_json_object::<Opt>(b"null", false).is_err());
        assert!(parse_json_object::<Opt>(br#"{"a": "x"}"#, false).is_ok());
    }

    #[test]
    fn validation_errors_are_listed_per_field() {
        let s: Signup = parse_json(br#"{"email":"nope","password":"short"}"#).unwrap();
        let errors = field_errors(&s.validate().unwrap_err());
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["email", "password"]);
        assert_eq!(errors[1].message, "length must be between 8 and 128");
    }

    #[test]
    fn query_errors_name_the_parameter() {
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Status {
            Open,
            Closed,
        }
        #[derive(Debug, Deserialize)]
        struct Filter {
            #[allow(dead_code)]
            status: Option<Status>,
            #[allow(dead_code)]
            limit: Option<u64>,
            #[allow(dead_code)]
            token: String,
        }
        let field = |q: &str| {
            serde_urlencoded_path::<Filter>(q)
                .unwrap_err()
                .problem()
                .errors
                .unwrap()[0]
                .field
                .clone()
        };
        assert!(serde_urlencoded_path::<Filter>("token=t&status=open&limit=5").is_ok());
        assert_eq!(field("token=t&status=soon"), "status");
        assert_eq!(field("token=t&limit=many"), "limit");
        assert_eq!(field("status=closed"), "token");
    }
}

/// The `Idempotency-Key` header of a write that moves money or tokens (1-200 visible ASCII
/// characters). Absent: `None`, and the write is not deduplicated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(pub Option<String>);

/// The header's name.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

impl IdempotencyKey {
    /// The key, or a fresh unique one when the client sent none (never deduplicated).
    pub fn or_unique(&self) -> String {
        self.0
            .clone()
            .unwrap_or_else(|| format!("auto:{}", crate::ids::new_id()))
    }
}

impl FromRequest for IdempotencyKey {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match req.headers().get(IDEMPOTENCY_KEY) {
            None => Ok(Self(None)),
            Some(value) => match value.to_str() {
                Ok(key)
                    if (1..=200).contains(&key.len())
                        && key.bytes().all(|b| b.is_ascii_graphic()) =>
                {
                    Ok(Self(Some(key.to_owned())))
                }
                _ => Err(AppError::invalid_field(
                    IDEMPOTENCY_KEY,
                    "must be 1-200 visible ASCII characters",
                )),
            },
        };
        std::future::ready(result)
    }
}
