// The ledger page's room picker opens the room's list, ready to print.
document.addEventListener("DOMContentLoaded", () => {
  const picker = document.querySelector("form[data-room-picker]");
  if (picker) {
    picker.addEventListener("submit", (e) => {
      e.preventDefault();
      const select = picker.querySelector("select[data-room-url]");
      window.location.href = select.dataset.roomUrl.replace(/0\/$/, `${select.value}/`) + "?print=1";
    });
  }
});
