<?php
// Signs a sign-in token for the chat (docs/embed.md): a JWT, HS256, with no library.
//
//   php sign_token.php SECRET ISS SUB NAME [AVATAR]
//
// or the same from CHAT_SECRET, CHAT_ISS, CHAT_SUB, CHAT_NAME and CHAT_AVATAR;
// CHAT_MODERATOR=true adds "moderator": true. Prints the token.

function base64url(string $bytes): string
{
    return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
}

function chat_sign_in_token(string $secret, string $iss, string $sub, string $name, array $more = []): string
{
    $now = time();
    $header = ['alg' => 'HS256', 'typ' => 'JWT'];
    // sub is the host's id for the member, as text; the token is good for five minutes.
    $claims = ['iss' => $iss, 'sub' => $sub, 'name' => $name, 'iat' => $now, 'exp' => $now + 300] + $more;
    $json = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR;
    $signed = base64url(json_encode($header, $json)) . '.' . base64url(json_encode($claims, $json));
    return $signed . '.' . base64url(hash_hmac('sha256', $signed, $secret, true));
}

$given = function (int $position, string $variable) use ($argv): string {
    return $argv[$position] ?? (getenv($variable) ?: '');
};
[$secret, $iss, $sub, $name] = [
    $given(1, 'CHAT_SECRET'), $given(2, 'CHAT_ISS'), $given(3, 'CHAT_SUB'), $given(4, 'CHAT_NAME'),
];
if ($secret === '' || $iss === '' || $sub === '' || $name === '') {
    fwrite(STDERR, "usage: php sign_token.php SECRET ISS SUB NAME [AVATAR]\n");
    exit(2);
}
$more = [];
$avatar = $given(5, 'CHAT_AVATAR');
if ($avatar !== '') {
    $more['avatar'] = $avatar; // one of the chat's avatar keys (a1 to a12) or an https URL
}
if (getenv('CHAT_MODERATOR') === 'true') {
    $more['moderator'] = true;
}
echo chat_sign_in_token($secret, $iss, $sub, $name, $more), "\n";
