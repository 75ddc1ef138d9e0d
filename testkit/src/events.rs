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

/// The distribution's own host name, as a viewer's browser sends it.
pub const CLOUDFRONT_HOST: &str = "d111111abcdef8.cloudfront.net";
/// An edge server's address: what API Gateway reports as the source of every request
/// that came through CloudFront.
const EDGE_IP: &str = "130.176.98.74";

/// `event` (payload 2.0 or 1.0) as it reaches the function through CloudFront: the
/// request context names the edge server, not the viewer; the origin request policy
/// adds `CloudFront-Viewer-Address`; the viewer-request function copies the viewer's
/// `Host` into `X-Forwarded-Host`; and the origin adds `X-Origin-Verify` when a
/// `secret` is given (`None` is a distribution that sends none, or a direct call with
/// the viewer headers copied).
pub fn via_cloudfront(mut event: Value, secret: Option<&str>, viewer_address: &str) -> Value {
    let mut added = vec![
        ("cloudfront-viewer-address", viewer_address.to_owned()),
        ("x-forwarded-host", CLOUDFRONT_HOST.to_owned()),
        ("x-forwarded-for", format!("{}, {EDGE_IP}", viewer_ip(viewer_address))),
        ("via", "2.0 a1b2c3d4e5f6.cloudfront.net (CloudFront)".to_owned()),
        ("x-amz-cf-id", "Ql4kYkS6rVlyGp0l2pYtq3Yd6C0zdtQ3Ic0Xw-bJvX2Y0nG8dKxnHw==".to_owned()),
    ];
    if let Some(secret) = secret {
        added.push(("x-origin-verify", secret.to_owned()));
    }
    let v1 = event.get("httpMethod").is_some();
    for (name, value) in added {
        if v1 {
            event["headers"][name] = json!(value);
            event["multiValueHeaders"][name] = json!([value]);
        } else {
            event["headers"][name] = json!(value);
        }
    }
    if v1 {
        event["requestContext"]["identity"]["sourceIp"] = json!(EDGE_IP);
    } else {
        event["requestContext"]["http"]["sourceIp"] = json!(EDGE_IP);
    }
    event
}

/// The address part of `ip:port` (IPv6 addresses hold colons themselves).
fn viewer_ip(viewer_address: &str) -> &str {
    viewer_address.rsplit_once(':').map_or(viewer_address, |(ip, _)| ip)
}

/// The JSON body of a Lambda response, as `TestApp::invoke` returns it.
pub fn body_json(response: &Value) -> Value {
    serde_json::from_str(response["body"].as_str().expect("text body")).expect("JSON body")
}
