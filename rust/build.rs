//! Passes the Cargo profile to the crate, so that Python can check that it runs a release build.

fn main() {
    let profile = std::env::var("PROFILE").unwrap_or_else(|_| "unknown".to_owned());
    println!("cargo:rustc-env=CORPUSCLEAN_BUILD_PROFILE={profile}");
    println!("cargo:rerun-if-env-changed=PROFILE");
}
