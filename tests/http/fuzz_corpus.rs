//! The fuzz target's corpus (`fuzz/corpus/inbound_request`), replayed by the stable test
//! runner on every `cargo test`: the inputs cargo-fuzz found interesting stay checked even
//! where no fuzzer runs.

#[path = "../../fuzz/harness.rs"]
mod harness;

#[test]
fn every_corpus_input_passes_through_the_layer() {
    let corpus =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/inbound_request");
    let harness = harness::Harness::default();
    let mut inputs = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        harness.run(&data);
        inputs += 1;
    }
    assert!(inputs >= 4, "the corpus at {} is missing", corpus.display());
}
