//! `cargo run --example grpc`: the Greeter answers, `fail` is `INVALID_ARGUMENT`, and its
//! `/metrics` (on a port of its own) shows both calls on the RPC conventions.

use crate::helloworld::{self, HelloRequest};
use crate::support::example::Running;

// Multi-threaded: the client's connection answers the server's GOAWAY while this thread
// waits for the exit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_greeter_answers_and_its_metrics_name_each_call() {
    let (mut running, address) = Running::start_with(
        "grpc",
        &[("METRICS_PORT", "0"), ("OTEL_TRACES_EXPORTER", "none")],
    );
    let metrics = running
        .log
        .iter()
        .find_map(|line| {
            let json: serde_json::Value = serde_json::from_str(line).ok()?;
            json["metrics"].as_str().map(str::to_owned)
        })
        .expect("the metrics address is logged with the gRPC one");
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{address}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut grpc = tonic::client::Grpc::new(channel);
    let hello = |name: &str| {
        tonic::Request::new(HelloRequest {
            name: name.to_owned(),
        })
    };
    let reply = helloworld::say_hello(&mut grpc, hello("ada"))
        .await
        .unwrap();
    assert_eq!(reply.into_inner().message, "Hello ada!");
    let status = helloworld::say_hello(&mut grpc, hello("fail"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);

    let text = reqwest::get(format!("http://{metrics}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for code in ["OK", "INVALID_ARGUMENT"] {
        let wanted = format!("rpc_response_status_code=\"{code}\"");
        assert!(
            text.lines().any(
                |line| line.starts_with("rpc_server_call_duration_seconds_count")
                    && line.contains(&wanted)
                    && line.contains("rpc_method=\"helloworld.Greeter/SayHello\"")
                    && line.contains("rpc_system_name=\"grpc\"")
            ),
            "no {code} call in:\n{text}"
        );
    }
    drop(grpc);
    let (status, _) = running.terminate();
    assert!(status.success(), "{status}");
}
