#Requires -Version 7.4
<#
.SYNOPSIS
    Turns a three-site lab (gw-a, gw-b, gw-c; LAN machines lanvm-a, lanvm-b) into the production
    way of reaching gateways: gw-c is the bastion, and gw-a, gw-b and the LAN machines answer SSH
    only from it.
.DESCRIPTION
    - The NAT routers of sites a and b reject TCP port 22 (a gateway's SSH, and a LAN machine's
      after its port forward) from anywhere but site c's public address.
    - On every gateway: root logins refused; the login is `wgadmin`, with the sudoers line
      docs/remote.md gives (NOPASSWD for `bash -s` only), and no authorized_keys: sshd trusts a
      user CA, which signed the admin's key.
    - A host CA signs gw-a's and gw-b's host keys; the demo's known_hosts trusts that CA for them
      (`@cert-authority`) and knows gw-c and the LAN machines by their plain keys.
    - The admin's key is in an ssh-agent started here; on disk it is encrypted with a
      passphrase that is given to nobody.
    - The ssh_config says ProxyJump gw-c for gw-a, gw-b and the LAN machines; the rest (host
      names, ports) comes from the lab's own ssh_config, included last.
    Returns the ssh_config's path and the agent's process (the caller stops it by its PID). Run
    from the root namespace, after Start-WgLab -Gateways 3 and Start-WgLabLanMachine a, b.
    With -ChecksPath, after the demo ran: checks that it went the production way, each line
    "ok: ..." or "FAIL: ...", written to that file and returned.
#>
param(
    [Parameter(Mandatory)] $Lab,
    [Parameter(Mandatory)] [string] $WorkPath,
    [string] $ChecksPath
)
$ErrorActionPreference = 'Stop'
$null = New-Item -ItemType Directory -Force $WorkPath
$ops = ($Lab.hosts | Where-Object role -EQ 'ops').namespace
$site = @{}
foreach ($s in $Lab.sites) { $site[$s.name] = $s }
$bastionAddress = $site['c'].publicAddress

function Invoke-Checked([string] $What, [scriptblock] $Command) {
    $output = & $Command 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$What failed ($LASTEXITCODE): $output" }
    $output
}
function Invoke-InOps { & nsenter "--net=/run/netns/$ops" @args 2>&1 }
$key = Join-Path $WorkPath 'id_wgadmin'
$config = Join-Path $WorkPath 'ssh_config'

if ($ChecksPath) {
    $since = Get-Content -LiteralPath (Join-Path $WorkPath 'since')
    $lines = [Collections.Generic.List[string]]::new()
    function Check([string] $What, [bool] $Ok, [string] $Detail) { $lines.Add("$(if ($Ok) { 'ok' } else { 'FAIL' }): $What$(if (-not $Ok) { " ($Detail)" })") }
    function Get-Login([string] $Gateway) { @(Invoke-WgLabCommand -Machine $Gateway -Command journalctl, -q, -u, ssh.service, -S, "@$since" | Where-Object { $_ -match 'Accepted ' }) }
    foreach ($target in 'gw-a', 'gw-b', 'lanvm-a', 'lanvm-b') {
        $out = Invoke-InOps 'ssh', '-F', $Lab.sshConfig, '-o', 'ConnectTimeout=5', $target, 'true'
        Check "$target refuses SSH from the workstation, not through the bastion" ($LASTEXITCODE -ne 0 -and "$out" -match 'Connection refused') "$out"
    }
    $out = Invoke-InOps 'ssh', '-F', $config, '-o', 'User=root', 'gw-a', 'true'
    Check 'gw-a refuses root, even through the bastion' ($LASTEXITCODE -ne 0 -and "$out" -match 'Permission denied') "$out"
    $out = & ssh-keygen -y -P '' -f $key 2>&1
    Check 'the key file on disk is encrypted' ($LASTEXITCODE -ne 0) "$out"
    $fromBastion = "Accepted publickey for wgadmin from $([regex]::Escape($bastionAddress)) port \d+ ssh2: ED25519-CERT "
    foreach ($name in 'gw-a', 'gw-b') {
        $logins = Get-Login $name
        Check "$name logged in wgadmin from the bastion's address with the CA-signed certificate" (@($logins | Where-Object { $_ -match $fromBastion }).Count -gt 0) ($logins -join '; ')
        $others = @($logins | Where-Object { $_ -notmatch $fromBastion })
        Check "$name accepted no other login" ($others.Count -eq 0) ($others -join '; ')
    }
    $bastion = Get-Login gw-c
    Check 'the bastion gw-c logged in wgadmin with the certificate, and no one else' ($bastion.Count -gt 0 -and -not @($bastion | Where-Object { $_ -notmatch 'Accepted publickey for wgadmin from .* ED25519-CERT ' })) ($bastion -join '; ')
    Set-Content -LiteralPath $ChecksPath -Value $lines
    return $lines
}

# The CAs and the admin's key, made here with ssh-keygen.
foreach ($name in 'user_ca', 'host_ca', 'id_wgadmin') {
    Remove-Item -LiteralPath (Join-Path $WorkPath $name), (Join-Path $WorkPath "$name.pub"), (Join-Path $WorkPath "$name-cert.pub") -ErrorAction Ignore
    Invoke-Checked "ssh-keygen $name" { ssh-keygen -q -t ed25519 -N '' -C $name -f (Join-Path $WorkPath $name) } | Out-Null
}
Invoke-Checked 'signing the admin key' { ssh-keygen -q -s (Join-Path $WorkPath 'user_ca') -I wgadmin-demo -n wgadmin -V -5m:+1d "$key.pub" } | Out-Null

# The agent, in the foreground on a socket of its own (the caller stops it by its PID).
$socket = Join-Path $WorkPath 'agent.sock'
Remove-Item -LiteralPath $socket -ErrorAction Ignore
$agent = Start-Process ssh-agent -ArgumentList '-D', '-a', $socket -PassThru -RedirectStandardOutput (Join-Path $WorkPath 'agent.out')
for ($i = 0; -not (Test-Path -LiteralPath $socket); $i++) {
    if ($i -gt 100) { throw 'ssh-agent did not make its socket.' }
    Start-Sleep -Milliseconds 100
}
$env:SSH_AUTH_SOCK = $socket
Invoke-Checked 'ssh-add' { ssh-add -q $key } | Out-Null   # the key and id_wgadmin-cert.pub beside it
Remove-Item Env:SSH_AUTH_SOCK
Invoke-Checked 'encrypting the key file' { ssh-keygen -q -p -P '' -N 'given to nobody' -f $key } | Out-Null

# The gateways: the wgadmin login, the user CA, no root; gw-a and gw-b get host certificates.
$userCa = (Get-Content -Raw (Join-Path $WorkPath 'user_ca.pub')).Trim()
foreach ($name in 'a', 'b', 'c') {
    $gateway = $Lab.hosts | Where-Object name -EQ "gw-$name"
    $certificates = @()
    if ($name -ne 'c') {
        foreach ($type in 'ed25519', 'ecdsa', 'rsa') {
            $public = Join-Path $WorkPath "gw-$name-$type.pub"
            Set-Content -LiteralPath $public -Value (Invoke-WgLabCommand -Machine $gateway.name -Command cat, "/etc/ssh/ssh_host_$($type)_key.pub")
            Invoke-Checked "signing gw-$name's $type key" { ssh-keygen -q -s (Join-Path $WorkPath 'host_ca') -h -I "gw-$name" -n "gw-$name,$($gateway.sshAddress)" -V -5m:+1d $public } | Out-Null
            $certificate = (Get-Content -Raw (Join-Path $WorkPath "gw-$name-$type-cert.pub")).Trim()
            $certificates += "printf '%s\n' '$certificate' > /etc/ssh/ssh_host_$($type)_key-cert.pub"
            $certificates += "echo 'HostCertificate /etc/ssh/ssh_host_$($type)_key-cert.pub' >> /etc/ssh/sshd_config.d/00-bastion-demo.conf"
        }
    }
    $setup = @(
        'set -e'
        'id wgadmin >/dev/null 2>&1 || useradd -m -s /bin/bash wgadmin'
        "printf '%s\n' 'wgadmin ALL=(root) NOPASSWD: /usr/bin/bash -s' > /etc/sudoers.d/wgadmin"
        'chmod 0440 /etc/sudoers.d/wgadmin'
        'visudo -cq -f /etc/sudoers.d/wgadmin'
        "printf '%s\n' '$userCa' > /etc/ssh/wgadmin_user_ca.pub"
        "printf '%s\n' 'PermitRootLogin no' 'TrustedUserCAKeys /etc/ssh/wgadmin_user_ca.pub' 'AuthorizedKeysFile none' > /etc/ssh/sshd_config.d/00-bastion-demo.conf"
    ) + $certificates + @(
        'sshd -t'
        'systemctl reload ssh'
    )
    Invoke-WgLabCommand -Machine $gateway.name -Command bash, -c, ($setup -join "`n") | Out-Null
}

# Logins from here on are the demo's (the lab's own root logins at start are before).
Set-Content -LiteralPath (Join-Path $WorkPath 'since') -Value ([DateTimeOffset]::UtcNow.ToUnixTimeSeconds())

# Sites a and b: SSH only from the bastion's public address (after the NAT routers' DNAT, so a
# LAN machine's forwarded port is port 22 here too).
foreach ($name in 'a', 'b') {
    $nat = $Lab.hosts | Where-Object name -EQ $site[$name].nat
    Invoke-WgLabCommand -Namespace $nat.namespace -Command iptables, -I, FORWARD, -p, tcp, --dport, 22, '!', -s, $bastionAddress, -j, REJECT, --reject-with, tcp-reset | Out-Null
}

# known_hosts: the host CA for gw-a and gw-b (by name and address), plain keys for the rest.
$hostCa = (Get-Content -Raw (Join-Path $WorkPath 'host_ca.pub')).Trim()
$certified = @('a', 'b' | ForEach-Object { "gw-$_"; ($Lab.hosts | Where-Object name -EQ "gw-$_").sshAddress }) -join ','
$knownHosts = Join-Path $WorkPath 'known_hosts'
Set-Content -LiteralPath $knownHosts -Value (@("@cert-authority $certified $hostCa") +
    @(Get-Content -LiteralPath $Lab.knownHosts | Where-Object { $_ -match '^(gw-c,|\[lanvm-)' }))

Set-Content -LiteralPath $config -Value @"
# The demo's ssh_config: gw-c is the bastion (docs/remote.md, "All of it at once").
Host gw-a gw-b lanvm-a lanvm-b
    ProxyJump gw-c
Host gw-a gw-b gw-c
    User wgadmin
    IdentityFile $key
    IdentitiesOnly yes
    IdentityAgent $socket
Host *
    UserKnownHostsFile $knownHosts
Include $($Lab.sshConfig)
"@

[pscustomobject]@{ SshConfig = $config; Agent = $agent; AgentSocket = $socket }
