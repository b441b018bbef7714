/* hello-world: the first container a learner runs. It explains, in our own words, what the
 * engine just did to produce this output. No libc stdio beyond one write: it stays tiny. */
#include <stdio.h>

static const char message[] =
    "\n"
    "Hello from Dockyard!\n"
    "\n"
    "You just ran a container. Here is what happened, step by step:\n"
    "\n"
    " 1. The docker client passed your command to the Dockyard engine.\n"
    " 2. The engine did not have the \"hello-world\" image yet, so it pulled it\n"
    "    from the registry and checked every piece against its digest.\n"
    " 3. The engine created a container from the image: the image's read-only\n"
    "    files, plus a fresh writable layer that belongs to this container only.\n"
    " 4. The engine started the container's program (this small WebAssembly\n"
    "    module) and streamed everything it printed back to your terminal.\n"
    "\n"
    "The program has finished, so the container has stopped; `docker ps -a`\n"
    "still lists it, and `docker rm` removes it.\n"
    "\n"
    "Next, start a container with a shell inside and look around:\n"
    "    docker run -it box sh\n"
    "\n";

int main(void)
{
    fputs(message, stdout);
    return 0;
}
