#!/bin/sh
# Open, update or close the one issue that tells editors something needs them, so a failed scheduled run does
# not go only to whoever last edited the cron line.
#   tell-editors.sh TITLE BODY_FILE   open the issue titled TITLE (or update the open one) with BODY_FILE
#   tell-editors.sh TITLE             all is well: close the open issue titled TITLE, if there is one
# Needs `gh` (on GitHub's runners), GH_TOKEN with issues: write, and GH_REPO (owner/name).
set -eu
title=$1
body=${2:-}
# The open issue whose title is exactly TITLE (search is fuzzy, so the title is compared exactly here).
number=$(gh issue list --state open --search "in:title $title" --json number,title \
  --jq "map(select(.title == \"$title\")) | .[0].number // empty")
if [ -n "$body" ]; then
  if [ -n "$number" ]; then
    gh issue edit "$number" --body-file "$body"
    gh issue comment "$number" --body "Still needs attention: the list above was updated by run $GITHUB_SERVER_URL/$GH_REPO/actions/runs/$GITHUB_RUN_ID."
  else
    gh issue create --title "$title" --body-file "$body"
  fi
elif [ -n "$number" ]; then
  gh issue close "$number" --comment "All clear in run $GITHUB_SERVER_URL/$GH_REPO/actions/runs/$GITHUB_RUN_ID."
fi
