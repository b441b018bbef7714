#!/bin/sh
# Adds one to "ticks" in kv every $TICK seconds and says what kv answered (":N" is the new count).
trap 'echo bye; exit 0' TERM INT
while true; do
    answer=$(printf 'INCR ticks\r\n' | nc kv 6379 2>&1)
    case "$answer" in
    :*) echo "tick $(echo "$answer" | tr -d ':\r')" ;;
    *) echo "cannot reach kv: $answer" ;;
    esac
    sleep "${TICK:-2}"
done
