# shellcheck shell=bash
# run_as_group: runs a command in a process group of its own and passes any stop signal
# (TERM from timeout or a supervisor, INT from Ctrl-C, HUP from a closed terminal) to that whole
# group, then waits for it: the command's shutdown hooks run, and whatever it started beside
# itself (an API server, etcd, a controller manager, the operator) is signalled too. Without it,
# a SIGTERM to the script leaves every one of those running.
#
#   run_as_group COMMAND [ARGS...]     returns the command's exit code
run_as_group() {
  setsid "$@" &
  local group=$!
  # shellcheck disable=SC2064 # the group is fixed now
  trap "kill -TERM -- -$group 2>/dev/null" TERM INT HUP
  local rc=0
  wait "$group" || rc=$?
  # a signal ends the first wait early; the second waits for the group's leader to stop
  while kill -0 "$group" 2>/dev/null; do
    wait "$group" || rc=$?
  done
  trap - TERM INT HUP
  return "$rc"
}
