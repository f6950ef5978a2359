//! Validates the schema files given as arguments and prints the diagnostics (a development aid;
//! the user-facing command is `quarry validate`).
fn main() {
    let mut status = 0;
    for path in std::env::args().skip(1) {
        let loaded = match quarry_schema::load::load(std::path::Path::new(&path)) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        let result = quarry_schema::validate(&loaded.sources);
        print!(
            "{}",
            result
                .diagnostics
                .render(&loaded.sources, quarry_schema::Color::Never)
        );
        if result.diagnostics.has_errors() {
            status = 1;
        } else {
            println!("{path}: valid");
        }
    }
    std::process::exit(status);
}
