//! Field schemas for the API types' OpenAPI descriptions, whose constraints come from
//! the very constants the domain types check.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AllOfBuilder, AnyOfBuilder, KnownFormat, Object, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::{PartialSchema, ToSchema};

use super::ProfileRequest;
use crate::domain::{
    DESCRIPTION_MAX_CHARS, EMAIL_MAX_CHARS, MAX_LIMIT, NAME_MAX_CHARS, PASSWORD_MAX_BYTES,
    PASSWORD_MIN_BYTES, TITLE_MAX_CHARS,
};

/// Exactly the characters Rust's `str::trim` removes (Unicode `White_Space`), spelled
/// out because `\s` means something slightly different in every regex dialect.
const SPACE: &str = r"\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// The control characters no stored name, title or email may hold (C0, DEL and C1).
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";

/// Text of 1 to `max` characters once surrounding whitespace is trimmed, with no control
/// character left. `maxLength` would count the whitespace the server trims, so the
/// pattern carries the limit.
fn trimmed(max: usize, what: &str) -> ObjectBuilder {
    let pattern = format!(
        "^[{SPACE}]*[^{SPACE}{CONTROL}](?:[^{CONTROL}]{{0,{}}}[^{SPACE}{CONTROL}])?[{SPACE}]*$",
        max - 2
    );
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .pattern(Some(pattern))
        .description(Some(format!("{what}: 1–{max} characters after trimming surrounding whitespace.")))
}

/// A string or `null`.
fn nullable(schema: ObjectBuilder) -> Object {
    schema.schema_type(SchemaType::from_iter([Type::String, Type::Null])).build()
}

/// Every field is optional, and `anyOf` carries the rule across them: a non-null `email`
/// or `password` needs a non-empty `current_password`.
impl PartialSchema for ProfileRequest {
    fn schema() -> RefOr<Schema> {
        let fields = ObjectBuilder::new()
            .property("name", new_user_name())
            .property("email", new_email())
            .property("password", new_password())
            .property("current_password", current_password())
            .description(Some("A change to the signed-in user; absent and `null` fields stay as they are."));
        let keeps_credentials = ObjectBuilder::new()
            .property("email", Object::with_type(Type::Null))
            .property("password", Object::with_type(Type::Null));
        let proves_identity = ObjectBuilder::new()
            .property("current_password", ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)))
            .required("current_password");
        AllOfBuilder::new()
            .item(fields)
            .item(AnyOfBuilder::new().item(keeps_credentials).item(proves_identity))
            .into()
    }
}

impl ToSchema for ProfileRequest {}

pub fn email() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .max_length(Some(EMAIL_MAX_CHARS))
        .pattern(Some(format!("^[{SPACE}]*[^{CONTROL}]*[{SPACE}]*$")))
        .description(Some(format!(
            "At most {EMAIL_MAX_CHARS} characters, no control characters; stored lower-cased, unique \
             regardless of case."
        )))
        .build()
}

fn new_email() -> Object {
    nullable(ObjectBuilder::from(email()).description(Some(format!(
        "A new address, at most {EMAIL_MAX_CHARS} characters; needs `current_password`."
    ))))
}

pub fn user_name() -> Object {
    trimmed(NAME_MAX_CHARS, "Display name").build()
}

fn new_user_name() -> Object {
    nullable(trimmed(NAME_MAX_CHARS, "New display name"))
}

/// JSON Schema counts characters where the rule counts UTF-8 bytes (bcrypt reads 72):
/// the bounds are exact for ASCII, and the description gives the rule.
fn password_builder() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
        .min_length(Some(PASSWORD_MIN_BYTES))
        .max_length(Some(PASSWORD_MAX_BYTES))
        .description(Some(format!(
            "{PASSWORD_MIN_BYTES}–{PASSWORD_MAX_BYTES} bytes of UTF-8, and not one of the 2,000 \
             commonest passwords. Longer passwords are refused, never truncated."
        )))
}

pub fn password() -> Object {
    password_builder().build()
}

fn new_password() -> Object {
    nullable(password_builder().description(Some(format!(
        "A new password of {PASSWORD_MIN_BYTES}–{PASSWORD_MAX_BYTES} bytes, not a common one; \
         needs `current_password` and signs out every other session."
    ))))
}

/// The sign-in password is not length-checked, only required: a wrong one is just wrong.
pub fn signin_password() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
        .min_length(Some(1))
        .build()
}

/// Empty counts as absent: it only matters with a new email or password.
fn current_password() -> Object {
    nullable(
        ObjectBuilder::new()
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
            .description(Some("The account's password; needed to change the email or the password.")),
    )
}

pub fn task_title() -> Object {
    trimmed(TITLE_MAX_CHARS, "Title").build()
}

pub fn new_task_title() -> Object {
    trimmed(TITLE_MAX_CHARS, "New title; absent keeps it, and `null` is refused").build()
}

pub fn task_description() -> Object {
    nullable(
        ObjectBuilder::new()
            .max_length(Some(DESCRIPTION_MAX_CHARS))
            .pattern(Some(r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$"))
            .description(Some(format!(
                "At most {DESCRIPTION_MAX_CHARS} characters, kept as typed; tabs and line feeds are the only \
                 control characters allowed."
            ))),
    )
}

pub fn page() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(u32::MAX))
        .default(Some(1.into()))
        .description(Some("Which page, from 1; a page past the end is empty."))
        .build()
}

pub fn limit() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(MAX_LIMIT))
        .default(Some(crate::domain::DEFAULT_LIMIT.into()))
        .description(Some("Tasks per page."))
        .build()
}
