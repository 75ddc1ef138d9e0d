mod dashboard;
mod not_found;
mod profile;
mod signin;
mod signup;

pub use dashboard::Dashboard;
pub use not_found::NotFound;
pub use profile::Profile;
pub use signin::Signin;
pub use signup::Signup;
