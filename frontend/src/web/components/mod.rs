mod field;
mod form_alert;
mod header;

pub use field::Field;
pub use form_alert::FormAlert;
pub use header::Header;
