// mimalloc, not glibc's malloc: a response allocates and frees a few large
// JSON buffers, and glibc kept growing its heap for them and trimming it
// back (sysmalloc and page faults were an eighth of an uncached read's CPU);
// mimalloc also made cache hits 10-25 % faster. Transparent huge pages stay off
// (`no_thp`): with them its arenas cost 12 MB more resident memory at idle.
// It also takes over `malloc` itself (`override`), so SQLite's own
// allocations, a sixth of an uncached article read under glibc, use it too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    newsdesk::cli::run()
}
