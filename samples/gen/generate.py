#!/usr/bin/env python3
"""Regenerate every sample bundle (fixed seeds: same output every run).

State snapshots captured from real programs (ss, ip, iptables-save, ufw, nft) are
committed under each bundle's sos_commands/ and were made by gen/capture.sh and the
commands listed in samples/README.md; this script rewrites the logs, configs and the
snapshots that could not be captured live (systemctl, free, df, firewall-cmd, fail2ban
status). Usage: python3 samples/gen/generate.py [bundle-module ...]
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = ["b_firewalld", "b_fail2ban", "b_disabled", "b_loopback", "b_oom", "b_sshport", "b_quiet"]

if __name__ == "__main__":
    for m in sys.argv[1:] or MODULES:
        subprocess.run([sys.executable, os.path.join(HERE, m + ".py")], check=True, cwd=HERE)
