#!/bin/sh
# Prints the greeting baked into this image, then who is running it.
echo "greeter v$GREETER_VERSION"
cat /app/message.txt
echo "(container $(hostname), started with: ${*:-no arguments})"
