// The confirmation dialog of base.html (no inline script, no window.confirm).

// A Bootstrap dialog instead of window.confirm; resolves true when the user confirms.
export function confirmDialog(message, confirmLabel) {
  const element = document.getElementById("confirm-dialog");
  if (!element || !window.bootstrap) return Promise.resolve(window.confirm(message));
  element.querySelector(".confirm-message").textContent = message;
  const ok = element.querySelector(".confirm-ok");
  ok.textContent = confirmLabel || ok.dataset.defaultLabel;
  const modal = window.bootstrap.Modal.getOrCreateInstance(element);
  return new Promise((resolve) => {
    let answer = false;
    const onOk = () => {
      answer = true;
      modal.hide();
    };
    ok.addEventListener("click", onOk, { once: true });
    element.addEventListener(
      "hidden.bs.modal",
      () => {
        ok.removeEventListener("click", onOk);
        resolve(answer);
      },
      { once: true },
    );
    modal.show();
  });
}
