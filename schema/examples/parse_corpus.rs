//! Parses every file under a folder and prints syntax diagnostics (a development aid).
fn main() {
    let dir = std::env::args().nth(1).expect("folder");
    let mut n = 0;
    for entry in walk(std::path::Path::new(&dir)) {
        let text = std::fs::read_to_string(&entry).unwrap();
        let map = quarry_schema::SourceMap::single(entry.display().to_string(), text);
        let (_, diags) = quarry_schema::parse_all(&map);
        n += 1;
        if !diags.is_empty() {
            print!("{}", diags.render(&map, quarry_schema::Color::Never));
        }
    }
    println!("parsed {n} files");
}
fn walk(p: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(p).unwrap() {
        let e = e.unwrap().path();
        if e.is_dir() {
            out.extend(walk(&e));
        } else if e.extension().is_some_and(|x| x == "prisma") {
            out.push(e);
        }
    }
    out
}
