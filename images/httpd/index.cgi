#!/bin/sh
# The httpd image's default page: a CGI script run by box's sh, so it can tell where it runs.
# httpd runs cgi-bin/index.cgi for a directory without index.html; a site of your own in
# /var/www (an index.html) replaces this page.
host=$(hostname)
addr=$(hostname -i 2>/dev/null) || addr="none (started with --network none)"
echo "Content-Type: text/html; charset=utf-8"
echo
cat <<EOF
<!doctype html>
<html>
<head><meta charset="utf-8"><title>httpd: it works</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
<h1>It works!</h1>
<p>This page was made just now by <code>httpd</code>, box's web server, compiled to
<b>WebAssembly</b> (WASI) and running in a container - no Linux kernel under it.</p>
<table>
<tr><td>Container hostname</td><td><b>$host</b></td></tr>
<tr><td>Container address</td><td><b>$addr</b></td></tr>
<tr><td>You came from</td><td>$REMOTE_ADDR</td></tr>
</table>
<p>It is a shell script: <code>/var/www/cgi-bin/index.cgi</code>. Serve your own files with
<code>docker run -d -p 8080:80 -v "\$PWD/site:/var/www" httpd</code>.</p>
</body>
</html>
EOF
