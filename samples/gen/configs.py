"""Configuration files copied into bundles (Debian 12 package defaults, edited per story)."""
import re

DEBIAN_NGINX_CONF = open("/etc/nginx/nginx.conf").read() if False else None


def debian_nginx_conf(extra_http="", access_log="access_log /var/log/nginx/access.log;"):
    s = open(__file__.replace("configs.py", "nginx.conf.debian")).read()
    s = s.replace("\taccess_log /var/log/nginx/access.log;", "\t" + access_log)
    if extra_http:
        s = s.replace("\t# Logging Settings\n\t##\n", "\t# Logging Settings\n\t##\n\n" + extra_http)
    return s


def site(server_name, listen=("80", "[::]:80"), ssl=True, app=None, root="/var/www/html", extra=""):
    L = []
    L.append("server {")
    for l in listen:
        L.append("\tlisten %s;" % l)
    if ssl:
        L.append("\tlisten 443 ssl http2;")
        L.append("\tlisten [::]:443 ssl http2;")
        L.append("\tssl_certificate /etc/letsencrypt/live/%s/fullchain.pem;" % server_name)
        L.append("\tssl_certificate_key /etc/letsencrypt/live/%s/privkey.pem;" % server_name)
    L.append("")
    L.append("\troot %s;" % root)
    L.append("\tindex index.html index.htm;")
    L.append("\tserver_name %s;" % server_name)
    L.append("")
    L.append("\tlocation / {")
    L.append("\t\ttry_files $uri $uri/ =404;")
    L.append("\t}")
    L.append("")
    L.append("\tlocation = /healthz {")
    L.append("\t\taccess_log /var/log/nginx/access.log;")
    L.append("\t\treturn 200 \"ok\";")
    L.append("\t}")
    if app:
        L.append("")
        L.append("\tlocation /api/ {")
        L.append("\t\tproxy_pass http://%s;" % app)
        L.append("\t\tproxy_set_header Host $host;")
        L.append("\t\tproxy_set_header X-Real-IP $remote_addr;")
        L.append("\t\tproxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;")
        L.append("\t\tproxy_connect_timeout 5s;")
        L.append("\t}")
    if extra:
        L.append(extra)
    L.append("}")
    return "\n".join(L) + "\n"


def sshd_config(port=None, extra=""):
    s = open(__file__.replace("configs.py", "sshd_config.debian")).read()
    if port:
        s = s.replace("#Port 22\n", "Port %d\n" % port)
    if extra:
        s = s.replace("#PermitRootLogin prohibit-password\n", "#PermitRootLogin prohibit-password\n" + extra)
    return s
