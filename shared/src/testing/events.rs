//! API Gateway events in the shapes AWS documents for Lambda proxy integrations:
//! HTTP API payload 2.0 (also what function URLs send) and REST API payload 1.0.
//! Tests adjust fields (stage, cookies) on the returned JSON.

use serde_json::{Map, Value, json};

fn split(path: &str) -> (&str, &str) {
    path.split_once('?').unwrap_or((path, ""))
}

fn query_map(query: &str) -> Value {
    let pairs: Map<String, Value> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
        .collect();
    if pairs.is_empty() { Value::Null } else { Value::Object(pairs) }
}

/// An HTTP API (payload 2.0) event on the `$default` stage.
pub fn v2_event(method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Value {
    let (raw_path, raw_query) = split(path);
    let mut header_map: Map<String, Value> =
        headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), Value::String((*v).to_owned()))).collect();
    header_map.insert("host".into(), json!("abc123.execute-api.eu-west-1.amazonaws.com"));
    header_map.insert("user-agent".into(), json!("integration-test"));
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": header_map,
        "queryStringParameters": query_map(raw_query),
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
            "domainPrefix": "abc123",
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "integration-test"
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default",
            "stage": "$default",
            "time": "25/Nov/2026:13:00:00 +0000",
            "timeEpoch": 1795611600000_u64
        },
        "body": body,
        "isBase64Encoded": false
    })
}

/// A REST API (payload 1.0) event on the `prod` stage.
pub fn v1_event(method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Value {
    let (raw_path, raw_query) = split(path);
    let mut single: Map<String, Value> =
        headers.iter().map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned()))).collect();
    single.insert("Host".into(), json!("abc123.execute-api.eu-west-1.amazonaws.com"));
    let multi: Map<String, Value> = single.iter().map(|(k, v)| (k.clone(), json!([v]))).collect();
    let query = query_map(raw_query);
    let multi_query = match &query {
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), json!([v]))).collect()),
        _ => Value::Null,
    };
    json!({
        "resource": "/{proxy+}",
        "path": raw_path,
        "httpMethod": method,
        "headers": single,
        "multiValueHeaders": multi,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": { "proxy": raw_path.trim_start_matches('/') },
        "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
            "domainPrefix": "abc123",
            "extendedRequestId": "JKJaXmPLvHcESHA=",
            "httpMethod": method,
            "identity": {
                "accessKey": null,
                "accountId": null,
                "caller": null,
                "cognitoAuthenticationProvider": null,
                "cognitoAuthenticationType": null,
                "cognitoIdentityId": null,
                "cognitoIdentityPoolId": null,
                "principalOrgId": null,
                "sourceIp": "198.51.100.4",
                "user": null,
                "userAgent": "integration-test",
                "userArn": null
            },
            "path": format!("/prod{raw_path}"),
            "protocol": "HTTP/1.1",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "requestTime": "25/Nov/2026:13:00:00 +0000",
            "requestTimeEpoch": 1795611600000_u64,
            "resourceId": "123456",
            "resourcePath": "/{proxy+}",
            "stage": "prod"
        },
        "body": body,
        "isBase64Encoded": false
    })
}
