/*
 * The program of the operator's image puller (docs/clawinstance.md, "Image changes: pull first").
 *
 * A puller Pod runs a new image on the node of an instance's Pod only so that the kubelet pulls it
 * there. The image's own entrypoint is not run: it may need a shell, arguments, files or a network
 * the puller does not give. So the puller's init container, from the operator's image, installs this
 * static program into an emptyDir, and the container of the new image runs it from there; it exits 0
 * at once. Static, so that it runs in any image of the node's platform, including ones without a
 * shell or a C library.
 *
 *   claw-pull-done install DEST   copy this program to DEST (mode 0555)
 *   claw-pull-done                exit 0
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int install(const char *dest) {
  int in = open("/proc/self/exe", O_RDONLY);
  if (in < 0) {
    perror("claw-pull-done: /proc/self/exe");
    return 1;
  }
  int out = open(dest, O_WRONLY | O_CREAT | O_TRUNC, 0555);
  if (out < 0) {
    perror(dest);
    return 1;
  }
  char buffer[65536];
  ssize_t n;
  while ((n = read(in, buffer, sizeof buffer)) > 0) {
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(out, buffer + done, (size_t)(n - done));
      if (w < 0) {
        perror(dest);
        return 1;
      }
      done += w;
    }
  }
  if (n < 0 || close(out) != 0) {
    perror(dest);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "install") == 0) {
    return install(argv[2]);
  }
  if (argc > 1) {
    fprintf(stderr, "usage: claw-pull-done [install DEST]\n");
    return 2;
  }
  return 0;
}
