// Sign-in form: the credentials stay in memory (api.js) and go out as HTTP basic on mutating calls only.
import { signIn, signOut, signedInUser, onAuthChange, clearMessage } from './api.js';
import { $ } from './dom.js';

function render(user) {
  $('signin-status').textContent = user ? `signed in as ${user}` : 'not signed in';
  $('signout').hidden = !user;
  document.querySelector('.signin-fields').hidden = Boolean(user);
}

export function init() {
  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const user = $('signin-user').value.trim();
    const password = $('signin-password').value;
    if (!user) { $('signin-user').focus(); return; }
    signIn(user, password);
    $('signin-password').value = '';
    clearMessage();
    $('signout').focus();
  });
  $('signout').addEventListener('click', () => {
    signOut();
    $('signin-user').focus();
  });
  onAuthChange(render);
  render(signedInUser());
}
