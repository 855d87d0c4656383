#!/bin/bash
# Capture real state snapshots (ip, ss, nginx -t, sshd, ufw/iptables/nft) for one bundle
# inside a private network namespace. Usage: capture.sh BUNDLE  (run as root)
# Needs: nginx openssh-server mariadb-server ufw nftables iptables; /tmp/fl-cap/{bin,ssl,fake.py}
set -u
B=$1; OUT=$(dirname "$0")/../$B/sos_commands; NS=fl-$B; CAP=/tmp/fl-cap/run-$B
mkdir -p $OUT/networking $CAP; rm -rf $CAP/*
ip netns del $NS 2>/dev/null; ip netns add $NS; X="ip netns exec $NS"
$X ip link set lo up
conf() { # iface addr/prefix gw
  $X ip link add $1 type veth peer name vpeer0; $X ip link set vpeer0 up; $X ip addr add $2 dev $1; $X ip link set $1 up; $X ip route add default via $3 dev $1 proto static metric 100
}
PIDS=()
fake() { # name spec...
  n=$1; shift; FAKE_SLEEP=20 $X /tmp/fl-cap/bin/$n /tmp/fl-cap/fake.py "$@" & PIDS+=($!)
}
ngx() { # listen lines
  mkdir -p $CAP/ngx; { echo "pid $CAP/ngx/pid; error_log $CAP/ngx/error.log; worker_processes 2; events{} http{ access_log off; server {"; for l in "$@"; do echo "listen $l;"; done; echo "ssl_certificate /tmp/fl-cap/ssl/c.pem; ssl_certificate_key /tmp/fl-cap/ssl/k.pem; } }"; } > $CAP/ngx/nginx.conf
  $X nginx -c $CAP/ngx/nginx.conf
}
sshd() { mkdir -p /run/sshd; $X /usr/sbin/sshd -p $1 -o PidFile=$CAP/sshd.pid; }
maria() { mkdir -p $CAP/my; mariadb-install-db --user=mysql --datadir=$CAP/my/d >/dev/null 2>&1; chown -R mysql $CAP/my
  $X mariadbd --user=mysql --datadir=$CAP/my/d --socket=$CAP/my/s --pid-file=$CAP/my/p --bind-address=127.0.0.1 --innodb-buffer-pool-size=32M --log-error=$CAP/my/err & sleep 3; }
case $B in
firewalld-after-reboot) conf ens192 203.0.113.10/24 203.0.113.1; sshd 22; ngx 80 '[::]:80' '443 ssl' '[::]:443 ssl'
  fake chronyd 'udp|127.0.0.1|323' 'udp|::1|323'; fake master 'tcp|127.0.0.1|25||100' 'tcp|::1|25||100' ;;
fail2ban-banned-office) conf eth0 192.0.2.80/24 192.0.2.1; sshd 22; ngx 80 '[::]:80' '443 ssl' '[::]:443 ssl'; fake master 'tcp|127.0.0.1|25||100' 'tcp|::1|25||100' ;;
nginx-disabled-after-reboot) conf ens3 198.51.100.40/24 198.51.100.1; sshd 22; fake master 'tcp|127.0.0.1|25||100' 'tcp|::1|25||100' ;;
nginx-loopback-only) conf eth0 203.0.113.77/24 203.0.113.1; sshd 22; ngx 127.0.0.1:80; fake systemd-resolve 'udp|127.0.0.53|53|lo' 'tcp|127.0.0.53|53|lo|4096' ;;
db-oom-502) conf eth0 192.0.2.55/24 192.0.2.1; sshd 22; ngx 80 '[::]:80' '443 ssl' '[::]:443 ssl'; fake master 'tcp|0.0.0.0|25||100' 'tcp|::|25||100'; fake amavisd 'tcp|127.0.0.1|10024||128' ;;
sshd-port-10022) conf eth0 198.51.100.12/24 198.51.100.1; sshd 10022; ngx 80 '[::]:80' '443 ssl' '[::]:443 ssl'; fake systemd-resolve 'udp|127.0.0.53|53|lo' 'tcp|127.0.0.53|53|lo|4096' ;;
quiet-host) conf eth0 192.0.2.33/24 192.0.2.1; sshd 22; ngx 80 '[::]:80' '443 ssl' '[::]:443 ssl'; maria; fake master 'tcp|127.0.0.1|25||100' 'tcp|::1|25||100' ;;
esac
sleep 1
$X ip -o addr | grep -v vpeer0 | sed "s/ tentative//; s/^3: /2: /" > $OUT/networking/ip_-o_addr
$X ip route > $OUT/networking/ip_route
$X ss -tulpn > $CAP/ss.raw
# remap live pids to plausible post-boot pids (same pid -> same number)
python3 - $CAP/ss.raw $OUT/networking/ss_-tulpn <<'PY'
import re,sys
base={'sshd':712,'nginx':801,'master':1044,'chronyd':655,'systemd-resolve':540,'mariadbd':930,'amavisd':1190}
t=open(sys.argv[1]).read()
m={}; nxt={}
for name,pid in sorted(set(re.findall(r'\("([^"]+)",pid=(\d+),',t)),key=lambda x:int(x[1])):
    n=nxt.get(name,base.get(name,900)); m[pid]=n; nxt[name]=n+1
def sub(mo):
    return '("%s",pid=%d,' % (mo.group(1),m[mo.group(2)])
open(sys.argv[2],'w').write(re.sub(r'\("([^"]+)",pid=(\d+),',sub,t))
PY
cat $OUT/networking/ss_-tulpn
[ -f $CAP/ngx/pid ] && kill $(cat $CAP/ngx/pid); [ -f $CAP/sshd.pid ] && kill $(cat $CAP/sshd.pid); [ -f $CAP/my/p ] && kill $(cat $CAP/my/p)
for p in "${PIDS[@]}"; do kill $p 2>/dev/null; done
sleep 1; ip netns del $NS
