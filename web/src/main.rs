//! The playground's entry point, built by Trunk.

fn main() {
    raftlab_web::start();
}
