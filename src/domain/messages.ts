/**
 * The message catalogue: every user-facing string of the domain, in Bahasa Indonesia
 * (first) and English. `t(lang, key, params)` fills `{name}` placeholders.
 * Both languages must have the same keys: the type below makes a missing one a
 * compile error.
 */
import type { Lang } from './format';

const id = {
  disclaimer: 'Perkiraan KPI — bukan skor resmi SIM TPBIS',
  disclaimerLong:
    'Rumus resmi SIM TPBIS tidak dipublikasikan. Warna dan skor ini dihitung aplikasi dengan aturan perkiraan di atas, dan bisa berbeda dari skor resmi. Hanya kegiatan tahun ini (sejak 1 Januari) yang dihitung; target jumlah kegiatan naik seiring bulan.',

  'colour.hijau': 'Hijau',
  'colour.kuning': 'Kuning',
  'colour.merah': 'Merah',
  'colour.abu-abu': 'Abu-abu',
  'colourLevel.hijau': 'tinggi',
  'colourLevel.kuning': 'sedang',
  'colourLevel.merah': 'rendah',
  'colourLevel.abu-abu': 'belum mengisi',
  'colourMeaning.hijau': 'Menjalankan strategi program secara optimal dan mengupayakan keberlanjutan.',
  'colourMeaning.kuning': 'Menjalankan strategi pada semua komponen umum, tetapi belum optimal.',
  'colourMeaning.merah': 'Tidak menjalankan strategi, atau hanya menjalankan sebagian.',
  'colourMeaning.abu-abu': 'Belum ada kegiatan tercatat tahun ini.',

  'strategy.pelibatan': 'Pelibatan Masyarakat',
  'strategy.advokasi': 'Advokasi',
  'strategy.layanan': 'Peningkatan Layanan Informasi',

  'component.pelibatan': 'Kegiatan Pelibatan Masyarakat',
  'component.advokasi': 'Kegiatan Advokasi',
  'component.layanan': 'Kegiatan Peningkatan Layanan Informasi',
  'component.dokumentasi': 'Kegiatan terdokumentasi',

  // {more} is " lagi" ("catat 2 kegiatan … lagi"), or nothing for a library that has logged
  // nothing yet; {doc} is ", dengan foto, …," in a sentence, " dengan foto, …" in an item, or nothing.
  'nextStep.more': ' lagi',
  'nextStep.one': 'Catat {count} kegiatan {strategy}{more}{doc} untuk mencapai {colour}',
  'nextStep.many': 'Untuk mencapai {colour}, catat{more}: {items}',
  'nextStep.item': '{count} kegiatan {strategy}{doc}',
  // Beside an item of which only some need documenting: "2 kegiatan … (1 di antaranya dengan foto, …)".
  'nextStep.some': '({documented} di antaranya {doc})',
  'nextStep.doc': 'dengan foto, kisah sukses, atau testimoni',
  'nextStep.allDocumented': '{items}, semuanya {doc}',
  // Grey's first step: leaving grey, not "reaching red" (red is no goal).
  'nextStep.leaveGrey': 'Catat {count} kegiatan {strategy} agar warnanya tidak {colour} lagi',
  'nextStep.and': 'dan',
  'nextStep.green': 'Sudah Hijau. Pertahankan kegiatan setiap bulan dan dokumentasikan hasilnya.',
  'nextStep.greenUnreachable':
    'Hijau tidak dapat dicapai tahun ini: kegiatan {strategy} tercatat di {have} bulan, padahal perlu {required} bulan.',
  'nextStep.greenLater':
    'Hijau bisa dicapai mulai {month} bila setiap bulan ada kegiatan {strategy} (sekarang {have} bulan, perlu {required} bulan pada {month}).',
  // Said only to a library not on course yet: "agar berada di jalur", never "agar tetap".
  'nextStep.onCourseOne': 'Bulan ini, catat {count} kegiatan {strategy}{more}{doc} agar berada di jalur menuju {colour}',
  'nextStep.onCourseMany': 'Agar berada di jalur menuju {colour}, bulan ini catat{more}: {items}',
  'notCounted.activityType':
    '{count} kegiatan tidak dihitung karena jenis kegiatannya tidak ada lagi dalam aturan KPI — ubah jenisnya di Daftar kegiatan.',

  // A type the current rulebook no longer lists, as the form and the list name it.
  'activityType.withdrawn': '{label} (tidak ada lagi dalam aturan KPI)',

  'field.id': 'ID',
  'field.libraryId': 'Perpustakaan',
  'field.strategy': 'Strategi',
  'field.activityType': 'Jenis kegiatan',
  'field.title': 'Judul kegiatan',
  'field.date': 'Tanggal kegiatan',
  'field.location': 'Lokasi',
  'field.participantsMale': 'Peserta laki-laki',
  'field.participantsFemale': 'Peserta perempuan',
  'field.participantsDisability': 'Peserta penyandang disabilitas',
  'field.partners': 'Mitra',
  'field.partners.*.name': 'Nama mitra',
  'field.partners.*.kind': 'Jenis mitra',
  'field.description': 'Deskripsi / hasil kegiatan',
  'field.skills': 'Keterampilan yang dilatih',
  'field.economicImpact': 'Dampak ekonomi',
  'field.successStory': 'Kisah sukses',
  'field.testimony': 'Testimoni',
  'field.fundingSource': 'Sumber dana',
  'field.attachments': 'Foto dokumentasi',
  'field.attachments.*.id': 'ID foto',
  'field.attachments.*.sha256': 'Sidik berkas foto (SHA-256)',
  'field.attachments.*.mime': 'Jenis berkas foto',
  'field.attachments.*.bytes': 'Ukuran foto (byte)',
  'field.createdAt': 'Waktu dibuat',
  'field.updatedAt': 'Waktu diubah',
  'field.deleted': 'Status hapus',
  'field.name': 'Nama perpustakaan',
  'field.npp': 'NPP',
  'field.village': 'Desa/Kelurahan',
  'field.district': 'Kecamatan',
  'field.regency': 'Kabupaten/Kota',
  'field.province': 'Provinsi',
  'field.timezone': 'Zona waktu',
  'field.code': 'Kode pendaftaran',
  'field.deviceName': 'Nama perangkat',
  'field.username': 'Nama pengguna',
  'field.password': 'Kata sandi',
  'field.mutations': 'Daftar perubahan',
  'field.mutations.*.seq': 'Nomor urut (seq)',
  'field.mutations.*.baseVersion': 'Versi dasar (baseVersion)',
  'field.mutations.*.entry': 'Kegiatan',
  'field.cursor': 'Kursor',
  'field.limit': 'Batas',
  'field.colour': 'Warna',
  'field.stale': 'Belum sinkron 30+ hari',
  'field.body': 'Isi permintaan',
  'field.document': 'Dokumen',
  'field.entries': 'Daftar kegiatan',
  'field.entries.*': 'Kegiatan',
  'field.library': 'Profil perpustakaan',
  'field.exportedAt': 'Waktu cadangan dibuat',

  'invalid.required': '{label} wajib diisi',
  'invalid.wholeNumber': '{label} harus berupa bilangan bulat',
  'invalid.number': '{label} harus berupa angka',
  'invalid.text': '{label} harus berupa teks',
  'invalid.boolean': '{label} harus bernilai ya atau tidak',
  'invalid.list': '{label} harus berupa daftar',
  'invalid.type': '{label} tidak valid',
  'invalid.numberTooSmall': '{label} minimal {min}',
  'invalid.numberTooBig': '{label} maksimal {max}',
  'invalid.listTooShort': '{label} minimal {min} isian',
  'invalid.listTooLong': '{label} paling banyak {max} isian',
  'invalid.textTooShort': '{label} minimal {min} karakter',
  'invalid.textTooLong': '{label} maksimal {max} karakter',
  'invalid.choice': 'Pilihan {label} tidak dikenal',
  'invalid.format': 'Format {label} tidak valid',
  'invalid.unknownKeys': '{label} berisi isian yang tidak dikenal',
  'invalid.dateInvalid': '{label} bukan tanggal yang ada (format TTTT-BB-HH)',
  'invalid.dateTooEarly': '{label} tidak boleh sebelum {min}',
  'invalid.dateInFuture': '{label} tidak boleh di masa depan',
  'invalid.activityTypeNotInStrategy': 'Jenis kegiatan tidak sesuai dengan strategi yang dipilih',
  'invalid.activityTypeWithdrawn': 'Jenis kegiatan ini tidak ada lagi dalam aturan KPI yang berlaku; pilih jenis lain',
  'invalid.pelibatanNeedsParticipants': 'Kegiatan Pelibatan Masyarakat harus memiliki paling sedikit 1 peserta',
  'invalid.disabilityOverTotal': 'Peserta penyandang disabilitas tidak boleh melebihi jumlah peserta',
  'invalid.instantOutOfRange': '{label} di luar rentang tahun 0000–9999',
  'invalid.seqNotConsecutive': 'Nomor urut (seq) dalam satu kiriman harus berurutan',
  'invalid.duplicateComponentKey': 'Kunci komponen tidak boleh ganda',
  'invalid.weightsNot100': 'Jumlah bobot komponen harus 100',
  'invalid.duplicateActivityType': 'Kode jenis kegiatan tidak boleh ganda',
  'invalid.nulCharacter': '{label} tidak boleh berisi karakter NUL',
  'invalid.controlCharacter': '{label} tidak boleh berisi karakter kontrol (karakter tak terlihat yang ikut tersalin); ketik ulang isinya',
  'invalid.invisibleOnly': '{label} hanya berisi karakter yang tidak terlihat',

  'backup.entryProblem': 'Kegiatan ke-{n}: {problem}',
  'backup.entryProblemTitled': 'Kegiatan ke-{n} “{title}”: {problem}',
  'backup.moreProblems': 'dan {count} masalah lain',
  'backup.otherLibrary':
    'Cadangan ini berisi kegiatan milik perpustakaan lain ({other}), sedangkan HP ini terdaftar untuk {current}. Tidak ada yang diubah.',
  'backup.otherLibraryUnnamed':
    'Cadangan ini berisi kegiatan milik perpustakaan lain, sedangkan HP ini terdaftar untuk {current}. Tidak ada yang diubah.',
} as const;

export type MessageKey = keyof typeof id;

const en: Record<MessageKey, string> = {
  disclaimer: 'KPI estimate — not the official SIM TPBIS score',
  disclaimerLong:
    'The official SIM TPBIS formula is not public. This colour and score are computed by the app with the estimate rulebook above, and may differ from the official score. Only this year’s activities (since 1 January) count; the activity targets rise as the months pass.',

  'colour.hijau': 'Green',
  'colour.kuning': 'Yellow',
  'colour.merah': 'Red',
  'colour.abu-abu': 'Grey',
  'colourLevel.hijau': 'high',
  'colourLevel.kuning': 'medium',
  'colourLevel.merah': 'low',
  'colourLevel.abu-abu': 'nothing reported',
  'colourMeaning.hijau': 'Runs the programme strategy optimally and works on sustainability.',
  'colourMeaning.kuning': 'Runs the strategy in all general components, not yet optimally.',
  'colourMeaning.merah': 'Does not run the strategy, or runs only part of it.',
  'colourMeaning.abu-abu': 'No activities logged this year yet.',

  'strategy.pelibatan': 'Community Engagement',
  'strategy.advokasi': 'Advocacy',
  'strategy.layanan': 'Information Services',

  'component.pelibatan': 'Community engagement activities',
  'component.advokasi': 'Advocacy activities',
  'component.layanan': 'Information service activities',
  'component.dokumentasi': 'Documented activities',

  'nextStep.more': 'more ',
  'nextStep.one': 'Log {count} {more}{strategy} {activities}{doc} to reach {colour}',
  'nextStep.many': 'To reach {colour}, log: {items}',
  'nextStep.item': '{count} {more}{strategy} {activities}{doc}',
  'nextStep.some': '({documented} of them {doc})',
  'nextStep.doc': 'with a photo, success story or testimony',
  'nextStep.allDocumented': '{items}, all {doc}',
  'nextStep.leaveGrey': 'Log {count} {strategy} {activities} so the colour is no longer {colour}',
  'nextStep.and': 'and',
  'nextStep.green': 'Green already. Keep up activities every month and document their results.',
  'nextStep.greenUnreachable':
    'Green cannot be reached this year: {strategy} activities were logged in {have} {haveMonths}, and {required} are needed.',
  'nextStep.greenLater':
    'Green can be reached from {month} if every month has {strategy} activities (now {have} {haveMonths}, {required} needed by {month}).',
  'nextStep.onCourseOne': 'This month, log {count} {more}{strategy} {activities}{doc} to get on course for {colour}',
  'nextStep.onCourseMany': 'To get on course for {colour}, log this month: {items}',
  'notCounted.activityType':
    'Not counted: {count} {activities} whose activity type is no longer in the KPI rules — change the type in Activities.',

  'activityType.withdrawn': '{label} (no longer in the KPI rules)',

  'field.id': 'ID',
  'field.libraryId': 'Library',
  'field.strategy': 'Strategy',
  'field.activityType': 'Activity type',
  'field.title': 'Activity title',
  'field.date': 'Activity date',
  'field.location': 'Location',
  'field.participantsMale': 'Male participants',
  'field.participantsFemale': 'Female participants',
  'field.participantsDisability': 'Participants with disabilities',
  'field.partners': 'Partners',
  'field.partners.*.name': 'Partner name',
  'field.partners.*.kind': 'Partner type',
  'field.description': 'Description / results',
  'field.skills': 'Skills trained',
  'field.economicImpact': 'Economic impact',
  'field.successStory': 'Success story',
  'field.testimony': 'Testimony',
  'field.fundingSource': 'Funding source',
  'field.attachments': 'Documentation photos',
  'field.attachments.*.id': 'Photo ID',
  'field.attachments.*.sha256': 'Photo file hash (SHA-256)',
  'field.attachments.*.mime': 'Photo file type',
  'field.attachments.*.bytes': 'Photo size (bytes)',
  'field.createdAt': 'Created at',
  'field.updatedAt': 'Updated at',
  'field.deleted': 'Deleted',
  'field.name': 'Library name',
  'field.npp': 'NPP',
  'field.village': 'Village',
  'field.district': 'District (kecamatan)',
  'field.regency': 'Regency/city',
  'field.province': 'Province',
  'field.timezone': 'Time zone',
  'field.code': 'Enrolment code',
  'field.deviceName': 'Device name',
  'field.username': 'User name',
  'field.password': 'Password',
  'field.mutations': 'Mutations',
  'field.mutations.*.seq': 'Sequence number (seq)',
  'field.mutations.*.baseVersion': 'Base version',
  'field.mutations.*.entry': 'Entry',
  'field.cursor': 'Cursor',
  'field.limit': 'Limit',
  'field.colour': 'Colour',
  'field.stale': 'Not synced for 30+ days',
  'field.body': 'Request body',
  'field.document': 'The document',
  'field.entries': 'Activities',
  'field.entries.*': 'Activity',
  'field.library': 'Library profile',
  'field.exportedAt': 'Backup time',

  'invalid.required': '{label} is required',
  'invalid.wholeNumber': '{label} must be a whole number',
  'invalid.number': '{label} must be a number',
  'invalid.text': '{label} must be text',
  'invalid.boolean': '{label} must be yes or no',
  'invalid.list': '{label} must be a list',
  'invalid.type': '{label} is not valid',
  'invalid.numberTooSmall': '{label} must be at least {min}',
  'invalid.numberTooBig': '{label} must be at most {max}',
  'invalid.listTooShort': '{label} needs at least {min} {unit}',
  'invalid.listTooLong': '{label} may have at most {max} {unit}',
  'invalid.textTooShort': '{label} needs at least {min} {unit}',
  'invalid.textTooLong': '{label} may have at most {max} {unit}',
  'invalid.choice': 'Unknown choice for {label}',
  'invalid.format': '{label} has an invalid format',
  'invalid.unknownKeys': '{label} has unknown fields',
  'invalid.dateInvalid': '{label} is not a real date (format YYYY-MM-DD)',
  'invalid.dateTooEarly': '{label} may not be before {min}',
  'invalid.dateInFuture': '{label} may not be in the future',
  'invalid.activityTypeNotInStrategy': 'The activity type does not belong to the chosen strategy',
  'invalid.activityTypeWithdrawn': 'This activity type is no longer in the current KPI rules; choose another type',
  'invalid.pelibatanNeedsParticipants': 'A Community Engagement activity needs at least 1 participant',
  'invalid.disabilityOverTotal': 'Participants with disabilities may not exceed the number of participants',
  'invalid.instantOutOfRange': '{label} is outside the years 0000–9999',
  'invalid.seqNotConsecutive': 'The sequence numbers (seq) of one batch must be consecutive',
  'invalid.duplicateComponentKey': 'Component keys must be unique',
  'invalid.weightsNot100': 'Component weights must add up to 100',
  'invalid.duplicateActivityType': 'Activity type codes must be unique',
  'invalid.nulCharacter': '{label} may not contain a NUL character',
  'invalid.controlCharacter': '{label} may not contain control characters such as ESC',
  'invalid.invisibleOnly': '{label} holds only invisible characters',

  'backup.entryProblem': 'Activity no. {n}: {problem}',
  'backup.entryProblemTitled': 'Activity no. {n} “{title}”: {problem}',
  'backup.moreProblems': 'and {count} more problems',
  'backup.otherLibrary':
    'This backup holds activities of another library ({other}), while this phone is enrolled for {current}. Nothing was changed.',
  'backup.otherLibraryUnnamed':
    'This backup holds activities of another library, while this phone is enrolled for {current}. Nothing was changed.',
};

const CATALOGUE: Record<Lang, Record<MessageKey, string>> = { id, en };

export type MessageParams = Record<string, string | number>;

/** The message `key` in `lang`, with `{name}` placeholders filled from `params`. */
export function t(lang: Lang, key: MessageKey, params: MessageParams = {}): string {
  return fill(CATALOGUE[lang][key], params);
}

/** `template` with its `{name}` placeholders filled from `params` (unknown ones left as written). */
export function fill(template: string, params: MessageParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** True when the catalogue has `key` (for keys built at run time, such as field labels). */
export function hasMessage(key: string): key is MessageKey {
  return key in id;
}

/**
 * The language to answer in: the most preferred of `id` and `en` in an Accept-Language
 * header (`fr, en;q=0.8` → 'en'); Indonesian when neither is named, or on a tie.
 */
export function langFromAcceptLanguage(header: string | null | undefined): Lang {
  let best: { lang: Lang; q: number } = { lang: 'id', q: 0 };
  for (const part of (header ?? '').split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const base = tag.trim().split('-')[0];
    if (base !== 'id' && base !== 'en') continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (Number.isFinite(q) && q > best.q) best = { lang: base, q };
  }
  return best.lang;
}

/** English needs a plural: "1 character", "2 characters". Indonesian does not inflect. */
export function englishPlural(n: number, singular: string, plural: string): string {
  return n === 1 ? singular : plural;
}
