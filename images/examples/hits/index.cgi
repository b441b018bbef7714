#!/bin/sh
# Counts this visit in kv (Redis's protocol: INCR answers ":N") at the name KV_HOST (kv).
kv=${KV_HOST:-kv}
answer=$(printf 'INCR hits\r\n' | nc "$kv" 6379 2>&1)
echo "Content-Type: text/html; charset=utf-8"
echo
echo "<!doctype html><html><head><meta charset=\"utf-8\"><title>hits</title></head>"
echo "<body style=\"font-family: sans-serif; max-width: 40em; margin: 2em auto\">"
case "$answer" in
:*)
    count=$(echo "$answer" | tr -d ':\r')
    times=times
    [ "$count" = 1 ] && times=time
    echo "<h1>This page has been seen $count $times.</h1>"
    echo "<p>The count lives in the <code>kv</code> container; this one, <b>$(hostname)</b>, asked it by name.</p>"
    ;;
*)
    echo "<h1>Cannot reach kv</h1>"
    echo "<p>This page counts its visits in a key-value server named <b>$kv</b>, and asking it failed:</p>"
    echo "<pre>$answer</pre>"
    echo "<p>Is it running, on the same network as this container? <code>docker network create app</code>,"
    echo "<code>docker run -d --network app --name kv kv</code>, and this container with <code>--network app</code>.</p>"
    ;;
esac
echo "</body></html>"
