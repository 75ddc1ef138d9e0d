use std::collections::HashMap;

use super::*;

const SECRET: &str = "0123456789abcdef0123456789abcdef";

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    move |name| map.get(name).cloned()
}

#[test]
fn lambda_requires_database_url_and_secret() {
    let err = Config::from_lookup(Runtime::Lambda, lookup(&[("JWT_SECRET", SECRET)])).unwrap_err();
    assert_eq!(err.variable, "DATABASE_URL");
    let err = Config::from_lookup(Runtime::Lambda, lookup(&[("DATABASE_URL", "postgres://x")])).unwrap_err();
    assert_eq!(err.variable, "JWT_SECRET");
}

#[test]
fn lambda_defaults_are_small_and_json() {
    let config = Config::from_lookup(
        Runtime::Lambda,
        lookup(&[("DATABASE_URL", "postgres://db/app?sslmode=require"), ("JWT_SECRET", SECRET)]),
    )
    .unwrap();
    assert_eq!(config.database.max_connections, 2);
    assert_eq!(config.database.acquire_timeout, Duration::from_secs(10));
    assert_eq!(config.log_format, LogFormat::Json);
    assert_eq!(config.bcrypt_cost, 12);
    assert!(config.cookie_secure);
    assert_eq!((config.auth_rate_limit_per_minute, config.tasks_rate_limit_per_minute), (5, 100));
    assert_eq!(config.failed_password_limit, 10);
}

#[test]
fn bad_values_name_the_variable() {
    for (name, value) in [
        ("BCRYPT_COST", "3"),
        ("COOKIE_SECURE", "maybe"),
        ("DB_MAX_CONNECTIONS", "0"),
        ("LOG_FORMAT", "xml"),
        ("TRUSTED_PROXIES", "10.0.0.0/8, proxy.local"),
        ("AUTH_RATE_LIMIT_PER_MINUTE", "0"),
        ("DB_ACQUIRE_TIMEOUT_SECS", "0"),
        ("JWT_SECRET", "short"),
        ("ORIGIN_SECRET", "short"),
        ("DATABASE_URL", "mysql://x"),
    ] {
        let mut vars = vec![("DATABASE_URL", "sqlite::memory:"), ("JWT_SECRET", SECRET)];
        vars.retain(|(k, _)| *k != name);
        vars.push((name, value));
        let err = Config::from_lookup(Runtime::Server, lookup(&vars)).unwrap_err();
        assert_eq!(err.variable, name, "{err}");
        assert!(err.to_string().contains(name));
    }
}

#[test]
fn server_settings_name_the_variable() {
    for (name, value) in [("PORT", "seventy"), ("PORT", "70000")] {
        let vars = [("DATABASE_URL", "sqlite::memory:"), ("JWT_SECRET", SECRET), (name, value)];
        let err = Config::from_lookup(Runtime::Server, lookup(&vars)).unwrap_err();
        assert_eq!(err.variable, name, "{err}");
        assert!(err.to_string().contains(name));
    }
}

/// `HOST`, `PORT` and `STATIC_DIR` are the server's alone: a bad one in a function's
/// environment used to stop its cold start.
#[test]
fn lambda_ignores_the_server_settings() {
    let vars = [
        ("DATABASE_URL", "postgres://db/app"),
        ("JWT_SECRET", SECRET),
        ("PORT", "seventy"),
        ("HOST", ""),
        ("STATIC_DIR", "/nowhere"),
    ];
    let config = Config::from_lookup(Runtime::Lambda, lookup(&vars)).unwrap();
    assert!(config.server.is_none());
}

#[test]
fn server_defaults_and_origin_list() {
    let config = Config::from_lookup(
        Runtime::Server,
        lookup(&[
            ("DATABASE_URL", "sqlite::memory:"),
            ("JWT_SECRET", SECRET),
            ("ALLOWED_ORIGINS", "https://a.example/, https://b.example"),
        ]),
    )
    .unwrap();
    let server = config.server.clone().unwrap();
    assert_eq!((server.host.as_str(), server.port), ("0.0.0.0", 7860));
    assert_eq!(server.static_dir, std::path::PathBuf::from("frontend/dist"));
    assert_eq!(config.database.max_connections, 4, "SQLite's pool");
    assert_eq!(config.database.acquire_timeout, Duration::from_secs(30));
    assert_eq!(config.database.statement_cache_capacity, 100);
    assert!(config.trusted_proxies.is_empty());
    assert_eq!(config.allowed_origins, ["https://a.example", "https://b.example"]);
    assert_eq!(config.log_format, LogFormat::Pretty);
}

#[test]
fn the_pool_default_follows_the_store_and_the_variable_wins() {
    let pool = |vars: &[(&str, &str)]| {
        let mut vars = vars.to_vec();
        vars.push(("JWT_SECRET", SECRET));
        Config::from_lookup(Runtime::Server, lookup(&vars)).unwrap().database.max_connections
    };
    assert_eq!(pool(&[("DATABASE_URL", "postgres://db/app")]), 20);
    assert_eq!(pool(&[]), 4, "the default store is SQLite");
    assert_eq!(pool(&[("DATABASE_URL", "sqlite://data/x.db"), ("DB_MAX_CONNECTIONS", "12")]), 12);
}

#[test]
fn trusted_proxies_take_addresses_and_networks() {
    let config = Config::from_lookup(
        Runtime::Server,
        lookup(&[
            ("DATABASE_URL", "sqlite::memory:"),
            ("JWT_SECRET", SECRET),
            ("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1,::1"),
        ]),
    )
    .unwrap();
    let nets: Vec<String> = config.trusted_proxies.iter().map(ToString::to_string).collect();
    assert_eq!(nets, ["10.0.0.0/8", "127.0.0.1/32", "::1/128"]);
}

/// The value the container image sets (`Dockerfile`), for the Spaces proxy.
#[test]
fn the_container_images_private_networks_are_accepted() {
    let config = Config::from_lookup(
        Runtime::Server,
        lookup(&[
            ("JWT_SECRET", SECRET),
            ("TRUSTED_PROXIES", "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"),
        ]),
    )
    .unwrap();
    let nets: Vec<String> = config.trusted_proxies.iter().map(ToString::to_string).collect();
    assert_eq!(nets, ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]);
    let dockerfile = include_str!("../../../../Dockerfile");
    assert!(
        dockerfile.lines().any(|line| line.starts_with("ENV ")
            && line.contains(" TRUSTED_PROXIES=10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7")),
        "the image sets it"
    );
}

/// `docker run -e TRUSTED_PROXIES= …` undoes the image's list: the container is
/// exposed directly, and the socket address is the client.
#[test]
fn an_empty_trusted_proxies_means_none() {
    for empty in ["", " ", ","] {
        let config = Config::from_lookup(
            Runtime::Server,
            lookup(&[("JWT_SECRET", SECRET), ("TRUSTED_PROXIES", empty)]),
        )
        .unwrap();
        assert!(config.trusted_proxies.is_empty(), "{empty:?}");
    }
}

#[test]
fn max_tasks_per_user_defaults_to_ten_thousand_and_must_be_positive() {
    let cap = |vars: &[(&str, &str)]| {
        let mut vars = vars.to_vec();
        vars.push(("JWT_SECRET", SECRET));
        Config::from_lookup(
            Runtime::Lambda,
            lookup(&[&vars[..], &[("DATABASE_URL", "postgres://db/app")]].concat()),
        )
        .map(|config| config.max_tasks_per_user)
    };
    assert_eq!(cap(&[]).unwrap(), 10_000);
    assert_eq!(cap(&[("MAX_TASKS_PER_USER", "25000")]).unwrap(), 25_000);
    for bad in ["0", "-1", "many"] {
        assert_eq!(cap(&[("MAX_TASKS_PER_USER", bad)]).unwrap_err().variable, "MAX_TASKS_PER_USER", "{bad}");
    }
}

#[test]
fn the_listener_takes_its_own_url_or_the_database_url() {
    let listen_url = |vars: &[(&str, &str)]| {
        let vars = [vars, &[("JWT_SECRET", SECRET)]].concat();
        Config::from_lookup(Runtime::Server, lookup(&vars)).map(|config| config.database_listen_url)
    };
    let pooled = ("DATABASE_URL", "postgres://pooler.example/app");
    assert_eq!(listen_url(&[pooled]).unwrap().as_deref(), Some("postgres://pooler.example/app"));
    let direct = ("DATABASE_LISTEN_URL", "postgresql://direct.example/app");
    assert_eq!(listen_url(&[pooled, direct]).unwrap().as_deref(), Some("postgresql://direct.example/app"));
    assert_eq!(listen_url(&[("DATABASE_URL", "sqlite::memory:")]).unwrap(), None);
    for bad in [
        vec![pooled, ("DATABASE_LISTEN_URL", "mysql://x")],
        vec![("DATABASE_URL", "sqlite::memory:"), ("DATABASE_LISTEN_URL", "postgres://x")],
    ] {
        let err = listen_url(&bad).unwrap_err();
        assert_eq!(err.variable, "DATABASE_LISTEN_URL", "{err}");
    }
}
