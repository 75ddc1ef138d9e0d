//! The first steps of every binary, once its configuration is read.

use crate::config::Config;
use crate::telemetry;

/// Starts the logs in the configured format, then warns about settings that are meant
/// for tests only.
pub fn begin(config: &Config) {
    telemetry::init(config.log_format);
    if config.bcrypt_cost_is_weak() {
        tracing::warn!(cost = config.bcrypt_cost, "BCRYPT_COST below 12 is for tests only");
    }
}
