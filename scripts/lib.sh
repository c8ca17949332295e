# Shared by the project's shell scripts and test scripts (sourced).

# The sed script that prints the port from essconf serve's first line,
# "essconf serve: listening on http://127.0.0.1:PORT".
serve_port_sed='s/^essconf serve: listening on http:\/\/127.0.0.1:\([0-9]*\)$/\1/p'

# wait_for_listening FILE SED-SCRIPT: waits up to 5 s for SED-SCRIPT (run
# with sed -n) to print something from FILE, a starting server's stdout, and
# prints it; returns 1 if it never does. The one wait-for-port of the project.
wait_for_listening() {
  local file=$1 script=$2 found
  for _ in $(seq 100); do
    found=$(sed -n "$script" "$file" 2>/dev/null)
    if [[ -n $found ]]; then
      echo "$found"
      return 0
    fi
    sleep 0.05
  done
  return 1
}
