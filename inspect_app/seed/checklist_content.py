"""The default checklist (phiếu kiểm tra) for ISO 9001 inspections of state agencies.

Group A holds the legal and administrative checks that Vietnamese regulations add on top of
the standard; the other groups follow the clauses of TCVN ISO 9001:2015 (ISO 9001:2015).
The texts are our own paraphrases, applied to a state administrative agency; they do not
reproduce the standard.
"""

from __future__ import annotations

from typing import NamedTuple

from inspect_app.models import ChecklistItem, ChecklistTemplate

DEFAULT_TEMPLATE_NAME = "Kiểm tra HTQLCL theo TCVN ISO 9001:2015 tại cơ quan hành chính nhà nước"
DEFAULT_TEMPLATE_STANDARD = "TCVN ISO 9001:2015"
DEFAULT_TEMPLATE_VERSION = 1


class Group(NamedTuple):
    code: str
    title: str
    title_en: str


class Item(NamedTuple):
    code: str
    group: str
    text: str
    text_en: str
    guidance: str


GROUPS: tuple[Group, ...] = (
    Group("A", "Yêu cầu pháp lý và hành chính", "Legal and administrative requirements"),
    Group("4", "Bối cảnh của tổ chức", "Context of the organization"),
    Group("5", "Sự lãnh đạo", "Leadership"),
    Group("6", "Hoạch định", "Planning"),
    Group("7", "Hỗ trợ", "Support"),
    Group("8", "Thực hiện", "Operation"),
    Group("9", "Đánh giá kết quả hoạt động", "Performance evaluation"),
    Group("10", "Cải tiến", "Improvement"),
)

ITEMS: tuple[Item, ...] = (
    # A. Legal and administrative checks (Quyết định 19/2014/QĐ-TTg and later rules).
    Item(
        "A.1",
        "A",
        "Phạm vi áp dụng HTQLCL bao gồm toàn bộ thủ tục hành chính (TTHC) thuộc thẩm quyền "
        "giải quyết của cơ quan.",
        "The QMS scope covers every administrative procedure the agency is competent to handle.",
        "Đối chiếu danh mục TTHC đã được Chủ tịch UBND tỉnh công bố với danh mục quy trình "
        "trong HTQLCL; ghi lại TTHC còn thiếu.",
    ),
    Item(
        "A.2",
        "A",
        "Các quy trình được rà soát, cập nhật kịp thời khi văn bản quy phạm pháp luật có liên "
        "quan được sửa đổi, bổ sung hoặc thay thế.",
        "Processes are reviewed and updated promptly when the underlying legal documents change.",
        "Chọn 3–5 quy trình, so căn cứ pháp lý ghi trong quy trình với văn bản đang có hiệu "
        "lực; xem lần sửa đổi và ngày ban hành lại.",
    ),
    Item(
        "A.3",
        "A",
        "Người đứng đầu cơ quan đã ký công bố HTQLCL phù hợp TCVN ISO 9001:2015 và bản công bố "
        "được niêm yết tại trụ sở, đăng trên trang thông tin điện tử (nếu có).",
        "The head of the agency has signed the conformity announcement, which is posted at the "
        "office and on the agency's website, if any.",
        "Xem quyết định công bố có chữ ký, đóng dấu; kiểm tra nơi niêm yết tại bộ phận một cửa "
        "hoặc trang thông tin điện tử.",
    ),
    Item(
        "A.4",
        "A",
        "Cơ quan đã gửi thông báo công bố HTQLCL phù hợp đến Sở Khoa học và Công nghệ để theo "
        "dõi, tổng hợp.",
        "The announcement has been sent to the Department of Science and Technology.",
        "Xem công văn gửi kèm trong sổ văn bản đi hoặc hệ thống quản lý văn bản điện tử.",
    ),
    Item(
        "A.5",
        "A",
        "Cơ quan công bố lại khi điều chỉnh, mở rộng hoặc thu hẹp phạm vi HTQLCL, kể cả sau "
        "khi sắp xếp, sáp nhập đơn vị hành chính.",
        "The agency announces again after its QMS scope changes, including after mergers.",
        "So sánh phạm vi trong lần công bố gần nhất với danh mục TTHC hiện hành; xem quyết "
        "định công bố lại và ngày gửi Sở.",
    ),
    Item(
        "A.6",
        "A",
        "HTQLCL được tích hợp với phần mềm một cửa điện tử (Hệ thống thông tin giải quyết "
        "TTHC): các bước, thời hạn trên phần mềm khớp với quy trình ISO.",
        "The QMS is integrated with the one-stop-shop software: its steps and time limits "
        "match the ISO processes.",
        "Đối chiếu lưu đồ quy trình với luồng xử lý trên phần mềm một cửa; mở vài hồ sơ đã "
        "giải quyết để xem thời gian từng bước.",
    ),
    Item(
        "A.7",
        "A",
        "Cơ quan đã phân công cán bộ phụ trách ISO bằng văn bản và cán bộ này đã được đào tạo "
        "về TCVN ISO 9001:2015.",
        "An ISO officer is designated in writing and has been trained on TCVN ISO 9001:2015.",
        "Xem quyết định phân công, giấy chứng nhận hoặc danh sách học viên khóa đào tạo; hỏi "
        "cán bộ mới thay đổi đã được đào tạo chưa.",
    ),
    Item(
        "A.8",
        "A",
        "Đánh giá nội bộ được thực hiện ít nhất một lần trong năm theo Quyết định số "
        "19/2014/QĐ-TTg và các văn bản sửa đổi, thay thế.",
        "An internal audit is carried out at least once a year, as Decision 19/2014/QĐ-TTg "
        "and later rules require.",
        "Xem kế hoạch, báo cáo đánh giá nội bộ của năm; người đánh giá đã được đào tạo.",
    ),
    Item(
        "A.9",
        "A",
        "Báo cáo tình hình xây dựng, áp dụng, duy trì và cải tiến HTQLCL hằng năm được gửi "
        "đúng hạn về Sở Khoa học và Công nghệ.",
        "The annual report on the QMS is sent to the Department of Science and Technology on time.",
        "Xem báo cáo năm gần nhất và ngày gửi; đối chiếu số liệu với hồ sơ thực tế.",
    ),
    Item(
        "A.10",
        "A",
        "Kinh phí xây dựng, áp dụng, duy trì HTQLCL được dự toán và bố trí trong kinh phí hoạt "
        "động của cơ quan.",
        "Funds for the QMS are budgeted within the agency's operating budget.",
        "Xem dự toán, quyết định giao dự toán hoặc chứng từ chi cho hoạt động ISO.",
    ),
    # 4. Context of the organization.
    Item(
        "4.1",
        "4",
        "Cơ quan đã xác định các vấn đề bên trong và bên ngoài ảnh hưởng đến việc giải quyết "
        "TTHC (thay đổi pháp luật, biên chế, hạ tầng công nghệ thông tin, ...) và theo dõi "
        "chúng định kỳ.",
        "The agency has identified internal and external issues that affect how it handles "
        "procedures and reviews them periodically.",
        "Xem tài liệu phân tích bối cảnh (SWOT hoặc tương đương) và lần cập nhật gần nhất.",
    ),
    Item(
        "4.2",
        "4",
        "Cơ quan đã xác định các bên quan tâm (người dân, doanh nghiệp, cơ quan cấp trên, ...) "
        "và yêu cầu của họ đối với dịch vụ hành chính công.",
        "Interested parties (citizens, businesses, higher authorities) and their requirements "
        "are identified.",
        "Xem danh sách bên quan tâm và yêu cầu tương ứng; hỏi cách cập nhật.",
    ),
    Item(
        "4.3",
        "4",
        "Phạm vi HTQLCL được xác định bằng văn bản, nêu rõ các lĩnh vực, TTHC và lý do của "
        "các yêu cầu không áp dụng.",
        "The QMS scope is documented, naming the fields and procedures covered and why any "
        "requirement does not apply.",
        "Đọc văn bản phạm vi (sổ tay chất lượng hoặc quyết định); so với danh mục TTHC.",
    ),
    Item(
        "4.4",
        "4",
        "Các quá trình cần thiết của HTQLCL, trình tự và mối liên hệ giữa chúng được xác định "
        "và thực hiện như đã mô tả.",
        "The processes of the QMS, their sequence and interactions are defined and followed.",
        "Xem danh mục, sơ đồ quá trình; đối chiếu với cách thực hiện tại bộ phận một cửa.",
    ),
    # 5. Leadership.
    Item(
        "5.1",
        "5",
        "Lãnh đạo cơ quan trực tiếp chỉ đạo, chịu trách nhiệm về hiệu lực của HTQLCL và lồng "
        "ghép HTQLCL vào công việc hằng ngày.",
        "The agency's leadership directs the QMS, answers for its effectiveness and builds it "
        "into daily work.",
        "Xem văn bản chỉ đạo, biên bản họp; phỏng vấn lãnh đạo về vai trò của mình.",
    ),
    Item(
        "5.2",
        "5",
        "Chính sách chất lượng được ban hành, phù hợp với chức năng nhiệm vụ, được phổ biến "
        "và niêm yết để công chức và người dân biết.",
        "A quality policy suited to the agency's mission is issued, communicated and displayed.",
        "Xem chính sách có chữ ký lãnh đạo; hỏi vài công chức về nội dung chính sách.",
    ),
    Item(
        "5.3",
        "5",
        "Trách nhiệm, quyền hạn liên quan đến HTQLCL được phân công rõ cho từng bộ phận và "
        "cá nhân.",
        "Responsibilities and authorities for the QMS are assigned to units and people.",
        "Xem quyết định phân công, bản mô tả công việc, quyết định thành lập Ban ISO.",
    ),
    # 6. Planning.
    Item(
        "6.1",
        "6",
        "Rủi ro và cơ hội (ví dụ trễ hạn hồ sơ, thay đổi văn bản) được xác định và có biện "
        "pháp xử lý được theo dõi.",
        "Risks and opportunities (late files, changing rules) are identified, with tracked "
        "actions.",
        "Xem sổ theo dõi rủi ro, biện pháp và kết quả thực hiện.",
    ),
    Item(
        "6.2",
        "6",
        "Mục tiêu chất lượng được thiết lập hằng năm, đo lường được, có kế hoạch thực hiện và "
        "được đánh giá mức độ đạt.",
        "Measurable quality objectives are set each year, planned and evaluated.",
        "Xem mục tiêu năm, kế hoạch thực hiện và báo cáo đánh giá kết quả.",
    ),
    Item(
        "6.3",
        "6",
        "Các thay đổi đối với HTQLCL (tổ chức lại bộ máy, thay đổi quy trình) được hoạch định "
        "trước khi thực hiện.",
        "Changes to the QMS (reorganisation, process changes) are planned before they are made.",
        "Xem hồ sơ kế hoạch thay đổi khi sáp nhập, điều chỉnh chức năng nhiệm vụ.",
    ),
    # 7. Support.
    Item(
        "7.1",
        "7",
        "Nhân lực, cơ sở vật chất, trang thiết bị và môi trường làm việc đủ để giải quyết TTHC "
        "đúng quy định.",
        "People, facilities, equipment and work environment are sufficient to handle "
        "procedures properly.",
        "Quan sát bộ phận một cửa: bàn ghế, máy tính, máy scan, nơi chờ của người dân.",
    ),
    Item(
        "7.2",
        "7",
        "Công chức có năng lực phù hợp với công việc; nhu cầu đào tạo được xác định và hồ sơ "
        "đào tạo được lưu.",
        "Staff are competent for their work; training needs are identified and recorded.",
        "Xem hồ sơ đào tạo, bồi dưỡng; đối chiếu với vị trí việc làm.",
    ),
    Item(
        "7.3",
        "7",
        "Công chức nhận thức được chính sách, mục tiêu chất lượng và đóng góp của mình vào HTQLCL.",
        "Staff know the quality policy and objectives and their own contribution.",
        "Phỏng vấn ngẫu nhiên 2–3 công chức tại các bộ phận.",
    ),
    Item(
        "7.4",
        "7",
        "Việc trao đổi thông tin nội bộ và với người dân (nội dung, thời điểm, kênh) được xác "
        "định và thực hiện.",
        "Internal and external communication (what, when, how) is defined and carried out.",
        "Xem kênh tiếp nhận phản ánh, kiến nghị; cách công khai TTHC và kết quả giải quyết.",
    ),
    Item(
        "7.5",
        "7",
        "Thông tin dạng văn bản được kiểm soát: ban hành, phê duyệt, cập nhật, phân phối, lưu "
        "trữ và thu hồi tài liệu lỗi thời.",
        "Documented information is controlled: issued, approved, updated, distributed, "
        "retained and withdrawn when obsolete.",
        "Xem danh mục tài liệu, tình trạng sửa đổi; kiểm tra tại nơi làm việc không còn bản "
        "lỗi thời; xem hồ sơ lưu.",
    ),
    # 8. Operation.
    Item(
        "8.1",
        "8",
        "Việc giải quyết TTHC được hoạch định và kiểm soát theo quy trình, với tiêu chí và thời "
        "hạn rõ ràng.",
        "Handling of procedures is planned and controlled by process, with clear criteria and "
        "time limits.",
        "Lấy mẫu hồ sơ đã giải quyết; kiểm tra trình tự, thời hạn so với quy trình.",
    ),
    Item(
        "8.2",
        "8",
        "Yêu cầu của TTHC (thành phần hồ sơ, phí, lệ phí, thời hạn) được công khai và xem xét "
        "khi tiếp nhận hồ sơ.",
        "Requirements of each procedure (documents, fees, time limits) are published and "
        "checked on receipt.",
        "Kiểm tra bảng niêm yết TTHC, phiếu tiếp nhận và hẹn trả kết quả.",
    ),
    Item(
        "8.3",
        "8",
        "Yêu cầu về thiết kế và phát triển được xác định là áp dụng hoặc không áp dụng, có "
        "giải thích phù hợp.",
        "Design and development is either applied or its exclusion is justified.",
        "Thường không áp dụng tại CQHCNN; xem lý do loại trừ ghi trong phạm vi.",
    ),
    Item(
        "8.4",
        "8",
        "Các quá trình, dịch vụ do bên ngoài cung cấp (dịch vụ bưu chính công ích, phần mềm, "
        "cơ quan phối hợp) được kiểm soát.",
        "Externally provided processes and services (postal service, software, partner "
        "agencies) are controlled.",
        "Xem hợp đồng, quy chế phối hợp, cách theo dõi hồ sơ liên thông.",
    ),
    Item(
        "8.5",
        "8",
        "Việc giải quyết hồ sơ được thực hiện trong điều kiện kiểm soát: theo dõi trạng thái, "
        "nhận biết hồ sơ, bảo quản giấy tờ của người dân.",
        "Files are handled under controlled conditions: status tracked, identified, and "
        "citizens' documents safeguarded.",
        "Xem sổ theo dõi hoặc phần mềm: trạng thái từng hồ sơ, phiếu kiểm soát quá trình.",
    ),
    Item(
        "8.6",
        "8",
        "Kết quả giải quyết được kiểm tra, phê duyệt đúng thẩm quyền trước khi trả cho người dân.",
        "Results are checked and approved by the competent person before release.",
        "Xem chữ ký phê duyệt, ngày trả kết quả trên hồ sơ mẫu.",
    ),
    Item(
        "8.7",
        "8",
        "Hồ sơ trễ hạn hoặc sai sót được nhận biết, xử lý, xin lỗi người dân khi cần và lưu hồ sơ.",
        "Late or faulty files are identified and handled, with apologies where due, and recorded.",
        "Xem thống kê hồ sơ trễ hạn, phiếu xin lỗi và hẹn lại ngày trả kết quả.",
    ),
    # 9. Performance evaluation.
    Item(
        "9.1",
        "9",
        "Cơ quan theo dõi, đo lường kết quả giải quyết TTHC và mức độ hài lòng của người dân, "
        "phân tích dữ liệu định kỳ.",
        "The agency monitors its handling of procedures and citizens' satisfaction and "
        "analyses the data.",
        "Xem báo cáo tỷ lệ đúng hạn, kết quả khảo sát sự hài lòng và cách sử dụng số liệu.",
    ),
    Item(
        "9.2",
        "9",
        "Đánh giá nội bộ được lập kế hoạch, thực hiện khách quan, báo cáo kết quả và theo dõi "
        "khắc phục.",
        "Internal audits are planned, impartial, reported and followed up.",
        "Xem chương trình, phiếu ghi chép, báo cáo đánh giá nội bộ; người đánh giá không tự "
        "đánh giá công việc của mình.",
    ),
    Item(
        "9.3",
        "9",
        "Lãnh đạo cơ quan xem xét HTQLCL định kỳ, có đủ đầu vào và đưa ra quyết định cải tiến.",
        "Leadership reviews the QMS periodically, with complete inputs and decisions on "
        "improvement.",
        "Xem biên bản họp xem xét của lãnh đạo trong năm và việc thực hiện các quyết định.",
    ),
    # 10. Improvement.
    Item(
        "10.1",
        "10",
        "Cơ quan xác định và thực hiện các cơ hội cải tiến việc giải quyết TTHC.",
        "The agency identifies and acts on opportunities to improve how it handles procedures.",
        "Xem sáng kiến cải tiến, đơn giản hóa TTHC đã đề xuất hoặc áp dụng.",
    ),
    Item(
        "10.2",
        "10",
        "Sự không phù hợp (kể cả phản ánh, kiến nghị của người dân) được xử lý, tìm nguyên "
        "nhân và có hành động khắc phục được kiểm tra hiệu lực.",
        "Nonconformities, including citizens' complaints, are handled, their causes found and "
        "corrective actions checked for effect.",
        "Xem phiếu yêu cầu hành động khắc phục, phân tích nguyên nhân, bằng chứng kiểm tra "
        "hiệu lực.",
    ),
    Item(
        "10.3",
        "10",
        "HTQLCL được cải tiến liên tục, căn cứ kết quả phân tích dữ liệu, đánh giá nội bộ và "
        "xem xét của lãnh đạo.",
        "The QMS is continually improved using data analysis, audits and management review.",
        "So sánh kết quả các năm; xem các thay đổi đã thực hiện sau lần xem xét trước.",
    ),
)


def build_default_template() -> ChecklistTemplate:
    """The default checklist template with its items, not yet added to the session."""
    titles = {group.code: group for group in GROUPS}
    template = ChecklistTemplate(
        name=DEFAULT_TEMPLATE_NAME,
        standard=DEFAULT_TEMPLATE_STANDARD,
        version=DEFAULT_TEMPLATE_VERSION,
    )
    for position, item in enumerate(ITEMS):
        group = titles[item.group]
        template.items.append(
            ChecklistItem(
                code=item.code,
                group_code=group.code,
                group_title=group.title,
                group_title_en=group.title_en,
                text=item.text,
                text_en=item.text_en,
                guidance=item.guidance,
                position=position,
            )
        )
    return template
