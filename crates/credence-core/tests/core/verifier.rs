use crate::support::*;
#[test]
fn dump() {
    let f = Fixture::get();
    println!("{}", serde_json::to_string_pretty(&f.signed).unwrap());
    println!("{}", show(&f.verify(&f.signed)));
}
