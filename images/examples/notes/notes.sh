#!/bin/sh
# notes add TEXT | notes list | notes count - a tiny app whose data outlives its containers.
db=/data/notes.db
sqlite3 "$db" < /etc/notes/schema.sql
case "$1" in
  add) shift; sqlite3 "$db" "INSERT INTO notes(text) VALUES ('$*');" && echo "added: $*" ;;
  count) sqlite3 "$db" "SELECT count(*) FROM notes;" ;;
  *) sqlite3 "$db" "SELECT id, text FROM notes ORDER BY id;" ;;
esac
