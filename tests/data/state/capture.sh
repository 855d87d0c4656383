#!/bin/sh
# Re-creates the snapshots in this directory from the real tools, inside a
# private network namespace (no traffic leaves loopback). Run as root on
# Debian 12 with: apt-get install -y nginx iptables nftables iproute2
# openssh-server fail2ban openssl. Writes only under $W and into this
# directory; removes the namespace and stops what it started at the end.
set -eu
OUT=$(cd "$(dirname "$0")" && pwd)
W=/tmp/fl-state
NS=fl-state
rm -rf "$W"; mkdir -p "$W/etc/nginx/conf.d" "$W/etc/nginx/ssl" "$W/run" "$W/log"
ip netns add $NS
ip -n $NS link set lo up
X="ip netns exec $NS"

# --- a real nginx config: nginx.conf includes conf.d/*.conf
cat > "$W/etc/nginx/nginx.conf" <<CONF
user www-data;
worker_processes 1;
pid $W/run/nginx.pid;
error_log $W/log/error.log;
events { worker_connections 64; }
http {
    log_format timed '\$remote_addr - \$remote_user [\$time_local] '
                     '"\$request" \$status \$body_bytes_sent \$request_time';
    access_log $W/log/access.log timed;
    upstream app { server 127.0.0.1:9000; }
    include conf.d/*.conf;
}
CONF
cat > "$W/etc/nginx/conf.d/site.conf" <<CONF
server {
    listen 127.0.0.1:80;
    server_name www.example.test example.test;
    location / { proxy_pass http://app; }
}
server {
    listen 8443 ssl default_server;
    listen [::]:8443 ssl;
    server_name www.example.test;
    ssl_certificate $W/etc/nginx/ssl/site.pem;
    ssl_certificate_key $W/etc/nginx/ssl/site.key;
    location /php { fastcgi_pass unix:/run/php/php-fpm.sock; }
}
CONF
openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
    -keyout "$W/etc/nginx/ssl/site.key" -out "$W/etc/nginx/ssl/site.pem" \
    -subj "/CN=www.example.test/O=faultline test" \
    -addext "subjectAltName=DNS:www.example.test,DNS:example.test,IP:192.0.2.10" 2>/dev/null
cp "$W/etc/nginx/ssl/site.pem" "$OUT/site.pem"
openssl x509 -in "$OUT/site.pem" -noout -subject -dates > "$OUT/site.pem.dates"
nginx -T -c "$W/etc/nginx/nginx.conf" > "$OUT/nginx_-T" 2>&1
$X nginx -c "$W/etc/nginx/nginx.conf"

# --- sshd on 10022 inside the namespace
mkdir -p /run/sshd
$X /usr/sbin/sshd -p 10022 -o PidFile=$W/run/sshd.pid
sleep 1
$X ss -tulpn > "$OUT/ss_-tulpn"
$X ss -tlnp > "$OUT/ss_-tlnp"

# --- iptables: default DROP, loopback and ssh only, a fail2ban-style chain
$X iptables -N f2b-sshd
$X iptables -A f2b-sshd -s 203.0.113.7/32 -j REJECT --reject-with icmp-port-unreachable
$X iptables -A f2b-sshd -j RETURN
$X iptables -A INPUT -i lo -j ACCEPT
$X iptables -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
$X iptables -A INPUT -p tcp -m multiport --dports 22,10022 -j f2b-sshd
$X iptables -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
$X iptables -P INPUT DROP
$X iptables-save -c > "$OUT/iptables-save"
$X iptables -P INPUT ACCEPT
$X iptables -F; $X iptables -X
$X nft flush ruleset

# --- native nftables ruleset
cat > "$W/ruleset.nft" <<'NFT'
table inet filter {
    set f2b-banned {
        type ipv4_addr
        elements = { 198.51.100.23, 203.0.113.7 }
    }
    chain input {
        type filter hook input priority filter; policy drop;
        ct state established,related accept
        iifname "lo" accept
        ip saddr @f2b-banned drop
        tcp dport { 22, 443 } ct state new counter accept
        udp dport 546 accept
        ip saddr 192.0.2.0/24 tcp dport 8080 accept
        counter reject with icmpx type admin-prohibited
    }
}
NFT
$X nft -f "$W/ruleset.nft"
$X nft list ruleset > "$OUT/nft_list_ruleset"
$X nft -a list ruleset > "$OUT/nft_-a_list_ruleset"
$X nft -j list ruleset > "$OUT/nft_-j_list_ruleset"

# --- fail2ban: a private server with the stock config and the dummy action
cp -r /etc/fail2ban "$W/f2b"
cat > "$W/f2b/jail.local" <<JAIL
[DEFAULT]
banaction = dummy
banaction_allports = dummy
[sshd]
enabled = true
backend = polling
logpath = $W/log/auth.log
JAIL
: > "$W/log/auth.log"
fail2ban-server -c "$W/f2b" -s "$W/run/f2b.sock" -p "$W/run/f2b.pid" --logtarget "$W/log/f2b.log" -b
sleep 3
fail2ban-client -s "$W/run/f2b.sock" set sshd banip 203.0.113.7 198.51.100.23 >/dev/null
fail2ban-client -s "$W/run/f2b.sock" status sshd > "$OUT/fail2ban-client_status_sshd"
fail2ban-client -s "$W/run/f2b.sock" status > "$OUT/fail2ban-client_status"
fail2ban-client -s "$W/run/f2b.sock" stop >/dev/null

# --- tear down what this script started
kill "$(cat $W/run/sshd.pid)"
kill "$(cat $W/run/nginx.pid)"
sleep 1
ip netns del $NS
rm -rf "$W"
