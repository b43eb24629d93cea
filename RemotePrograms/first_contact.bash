# A new run's first and only round trip (`run_workload`): claims the
# run dir (`claimRunDirectory`), receives the inputs (`receiveUpload`)
# and writes the script and submits it held (`writeAndSubmit`), each
# program unchanged in a subshell of its own, reading one standard
# input in turn. `$1` the attempt's token, `$2` `1` when an upload
# stream comes first, then `writeAndSubmit`'s parameters. Before the
# upload and before the submit it prints `\0@@STAGE-TOKEN upload\0`
# and `\0@@STAGE-TOKEN submit\0`: what each part printed is read from
# its own section, and no uploaded file's name (no NUL, made before the
# token existed) can fake a later part's markers. A part that fails
# ends the program with its exit status: the sections printed say how
# far it got (exit 17 before any section: the run dir was taken).
token=$1; upload=$2; shift 2
claim_run_dir "$1" || exit
printf '\0@@STAGE-%s upload\0' "$token"
if [ "$upload" = 1 ]; then receive_upload "$1" "" || exit; fi
printf '\0@@STAGE-%s submit\0' "$token"
write_and_submit "$@"
