// SQLite URI filenames (`file:…?immutable=1`) let the corpus be read without creating files beside it.
// better-sqlite3 reads this once, when it first opens a database in the process; every module that
// opens one imports this first.
process.env.SQLITE_USE_URI ??= '1';
export {};
