// Placeholder until the demo bot lands (issue: apps/demo).
process.stdout.write('userstream demo: not built yet; the bot arrives with the apps/demo issue.\n');
