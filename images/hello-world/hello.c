/* hello-world: the first container a learner runs. It prints what just happened, then exits 0. */
#include <stdio.h>

static const char message[] =
    "\n"
    "Hello from Dockyard!\n"
    "If you can read this, your container engine works.\n"
    "\n"
    "What just happened, step by step:\n"
    " 1. The docker client sent your command to the engine.\n"
    " 2. The engine looked for the image \"hello-world\" and, if it was not stored yet,\n"
    "    pulled it from a registry: a manifest, a config and one small layer.\n"
    " 3. The engine made a container from the image: the image's layers, read-only,\n"
    "    with a fresh writable layer of the container's own on top.\n"
    " 4. It started the program this image names as its command (this one), and\n"
    "    streamed everything it wrote back to your terminal.\n"
    "\n"
    "The program has finished, so the container has exited - it is still there:\n"
    " $ docker ps -a\n"
    "\n"
    "Something bigger to try, a shell inside a container:\n"
    " $ docker run -it box sh\n"
    "\n"
    "And to see what an image is made of:\n"
    " $ docker history box\n"
    "\n";

int main(void) {
    fputs(message, stdout);
    return 0;
}
